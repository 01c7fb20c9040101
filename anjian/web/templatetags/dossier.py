"""``{% enterprise_dossier user enterprise as dossier %}`` — 一企一档 for the enterprise page
(``web/dossier.py``: each app's records about the enterprise, as the user may see them)."""

from django import template

from anjian.web.dossier import Dossier, enterprise_dossier

register = template.Library()


@register.simple_tag(name="enterprise_dossier")
def dossier_tag(user, enterprise) -> Dossier:
    return enterprise_dossier(user, enterprise)
