//! Comparing estimates with published measurements.
