"""What the native ML smoke expects the model service to serve after a run's register step."""
from __future__ import annotations

import native


def test_a_promoted_model_is_the_one_served():
    assert native.served_version({"version": "2", "championBefore": "1", "promoted": True}) == "2"


def test_a_model_that_did_not_beat_the_champion_leaves_the_champion_served():
    # A stack whose MLflow already held a champion: register adds version 2 without promoting it.
    assert native.served_version({"version": "2", "championBefore": "1", "promoted": False}) == "1"


def test_the_first_model_of_a_fresh_registry_is_served():
    assert native.served_version({"version": "1", "championBefore": None, "promoted": True}) == "1"
