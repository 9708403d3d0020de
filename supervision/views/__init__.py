"""Browser pages of supervision."""
