"""Turning perceived performance into ordinal item scores, as a rater does."""

from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["ordinal_score", "perceived"]


def perceived(
    performance: jnp.ndarray, key: jax.Array, rater_sd: jnp.ndarray | float
) -> jnp.ndarray:
    """Performance as a rater perceives it: the attempt's success plus rater noise."""
    return performance + rater_sd * jax.random.normal(key, jnp.shape(performance))


def ordinal_score(perceived_performance: jnp.ndarray, thresholds: jnp.ndarray) -> jnp.ndarray:
    """Number of thresholds reached: 0 … len(thresholds) (int8)."""
    reached = perceived_performance[..., None] >= thresholds
    return jnp.sum(reached, axis=-1).astype(jnp.int8)
