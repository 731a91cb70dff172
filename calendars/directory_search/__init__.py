"""The expert directory: named topics, experts' bios and the inflection-aware search over them."""
