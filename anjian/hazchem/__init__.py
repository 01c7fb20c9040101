"""危险化学品与重大危险源 — hazardous chemicals and major hazard sources.

``gb18218`` holds GB 18218-2018's tables as data; ``identification`` identifies a unit (S) and
grades it (R) as pure functions. Models, services and pages build on these.
"""
