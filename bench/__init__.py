"""Benchmarks (`make bench`): speed and memory reported as ratios measured in one run, never as tests."""
