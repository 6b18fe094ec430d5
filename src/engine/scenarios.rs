//! Table-driven and property tests of the engine (being written).
