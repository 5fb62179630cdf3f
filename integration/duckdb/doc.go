// Package duckdb checks bfquery's SQL export against DuckDB: queries
// compiled by sqlgen, run by DuckDB over the Parquet files export wrote,
// must answer what the local engine answers. It is a module of its own so
// that the main module builds without cgo.
package duckdb
