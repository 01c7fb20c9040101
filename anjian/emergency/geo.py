"""Places on the map: distances and the grid cells nearest-resource search reads.

Every located resource stores the cell of a 0.01° grid it lies in (about 1.1 km north–south,
0.95 km east–west at Shanghai's latitude). A nearest-k search reads the cells in rings
around the point — an indexed ``cell IN (...)`` — and ranks what it found by great-circle
distance, widening until the k-th hit is nearer than any unread cell can be. Correct at
district edges (cells ignore boundaries); not near the date line or the poles, which a
Chinese city never is.
"""

import math

CELL_DEGREES = 0.01
_ROWS_OFFSET = 9_000  # latitude −90° → row 0
_COLUMNS_OFFSET = 18_000  # longitude −180° → column 0
_COLUMNS = 36_001
EARTH_RADIUS_KM = 6371.0088


def cell_row_column(latitude: float, longitude: float) -> tuple[int, int]:
    return (
        math.floor(latitude / CELL_DEGREES) + _ROWS_OFFSET,
        math.floor(longitude / CELL_DEGREES) + _COLUMNS_OFFSET,
    )


def cell_id(row: int, column: int) -> int:
    return row * _COLUMNS + column


def cell_of(latitude: float | None, longitude: float | None) -> int | None:
    if latitude is None or longitude is None:
        return None
    return cell_id(*cell_row_column(float(latitude), float(longitude)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# --- reading the grid in rings (the nearest-k search, ``selectors_resources.nearest``) ----------
# Ring r around a cell is the cells whose row or column is r away from it (ring 0: the cell
# itself). Rings 0..r form a square of (2r + 1)² cells; the search reads a square, then the
# band of rings beyond it, and so on.


def square_row_ranges(
    latitude: float, longitude: float, inner: int, outer: int
) -> list[tuple[int, int]]:
    """The cells of rings ``inner``..``outer`` around the point's cell as (first, last) id
    ranges, one or two per grid row: contiguous ids, each an indexed range read."""
    row, column = cell_row_column(latitude, longitude)
    ranges = []
    for r in range(row - outer, row + outer + 1):
        if abs(r - row) >= inner:
            ranges.append((cell_id(r, column - outer), cell_id(r, column + outer)))
        else:  # a row through the square already read: its two ends
            ranges.append((cell_id(r, column - outer), cell_id(r, column - inner)))
            ranges.append((cell_id(r, column + inner), cell_id(r, column + outer)))
    return ranges


def square_cells(latitude: float, longitude: float, inner: int, outer: int) -> list[int]:
    """The cell ids of rings ``inner``..``outer`` around the point's cell."""
    return [
        cell
        for first, last in square_row_ranges(latitude, longitude, inner, outer)
        for cell in range(first, last + 1)
    ]


def square_box(latitude: float, longitude: float, rings: int) -> tuple[float, float, float, float]:
    """(south, west, north, east) of rings 0..``rings`` around the point's cell, a hair wider
    than the cells (a place on an edge is read rather than missed)."""
    row, column = cell_row_column(latitude, longitude)
    margin = 1e-9
    return (
        (row - _ROWS_OFFSET - rings) * CELL_DEGREES - margin,
        (column - _COLUMNS_OFFSET - rings) * CELL_DEGREES - margin,
        (row - _ROWS_OFFSET + rings + 1) * CELL_DEGREES + margin,
        (column - _COLUMNS_OFFSET + rings + 1) * CELL_DEGREES + margin,
    )


def unread_distance_km(latitude: float, longitude: float, rings: int) -> float:
    """A lower bound of the great-circle distance from the point to any place outside rings
    0..``rings`` around its cell: whatever the unread cells hold is at least this far.

    North and south, a place beyond the square's edge is at least the latitude difference
    away (R·Δφ). East and west it is beyond a meridian, and the shortest way from the point
    to a meridian Δλ away is R·asin(cos φ · sin Δλ) — the point's own latitude, smaller
    than R·cos φ·Δλ, so conservative. A hair is taken off for rounding at cell edges.
    """
    row, column = cell_row_column(latitude, longitude)
    south = (row - _ROWS_OFFSET - rings) * CELL_DEGREES
    north = (row - _ROWS_OFFSET + rings + 1) * CELL_DEGREES
    west = (column - _COLUMNS_OFFSET - rings) * CELL_DEGREES
    east = (column - _COLUMNS_OFFSET + rings + 1) * CELL_DEGREES
    d_lat = max(0.0, min(latitude - south, north - latitude))
    d_lon = max(0.0, min(longitude - west, east - longitude))
    north_south = EARTH_RADIUS_KM * math.radians(d_lat)
    sine = math.cos(math.radians(latitude)) * math.sin(math.radians(min(d_lon, 90.0)))
    east_west = EARTH_RADIUS_KM * math.asin(min(1.0, sine))
    return max(0.0, min(north_south, east_west) - 1e-6)


def rings_for(latitude: float, longitude: float, distance: float) -> int:
    """The fewest rings around the point's cell after which every unread place is at least
    ``distance`` km away."""
    cell_km = min(
        EARTH_RADIUS_KM * math.radians(CELL_DEGREES),
        EARTH_RADIUS_KM * math.radians(CELL_DEGREES) * math.cos(math.radians(latitude)),
    )
    rings = max(0, math.floor(distance / cell_km) - 1)
    while unread_distance_km(latitude, longitude, rings) < distance:
        rings += 1
    return rings
