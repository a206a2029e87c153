"""The dashboard's page routes (one place, so pages, state and tests agree)."""

LOGIN = "/login"
OVERVIEW = "/"
SIMULATOR = "/simulator"
