"""Page layouts."""
