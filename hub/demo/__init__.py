"""Synthetic population and demo partner systems (``hub demo-data``); synthetic data only."""

from hub.demo.population import PARTNERS, Population, generate_population

__all__ = ["PARTNERS", "Population", "generate_population"]
