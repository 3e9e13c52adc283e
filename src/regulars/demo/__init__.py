"""The demo shop: a realistic, seeded small business to try regulars on."""

from regulars.demo._generator import DemoShop, generate_shop, write_shop
from regulars.demo._run import run_demo

__all__ = ["DemoShop", "generate_shop", "run_demo", "write_shop"]
