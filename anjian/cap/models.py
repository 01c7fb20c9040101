"""Models of the cap app."""
