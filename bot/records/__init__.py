"""Record types: plain dataclasses that repositories return and services and cogs read."""
