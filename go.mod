module github.com/bfquery/bfquery

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	github.com/mattn/go-runewidth v0.0.31
	github.com/tidwall/gjson v1.20.1
)

require (
	github.com/clipperhouse/uax29/v2 v2.2.0 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.0 // indirect
)
