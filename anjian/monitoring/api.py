from ninja import Router

router = Router(tags=["监测预警"])
