"""The nouns of the appliance as msgspec Structs (pure: standard library and msgspec only)."""
