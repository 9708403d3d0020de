"""Browser pages of the hall."""
