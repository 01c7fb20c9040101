"""The report pick page's list of the units of the user's own grid (``enterprises.nearby``)."""

from django import template

from anjian.enterprises import nearby

register = template.Library()


@register.simple_tag
def own_grid_units(user):
    """The enterprises of the grid (or community) the user is placed in; none otherwise."""
    return nearby.own_grid_enterprises(user)


@register.simple_tag
def own_grid_places(user):
    """The public places in use of the user's grid (or community); none otherwise."""
    return nearby.own_grid_places(user)
