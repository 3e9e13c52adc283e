"""The demo shop: a realistic, seeded small business to try regulars on (``regulars.app.demo``
generates, loads and scores it)."""

from regulars.demo._generator import DemoShop, generate_shop, write_shop

__all__ = ["DemoShop", "generate_shop", "write_shop"]
