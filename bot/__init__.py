"""Attune's core: composition root, Discord glue, services, repositories and storage; never imports cogs."""
