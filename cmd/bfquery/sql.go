package main

import (
	"fmt"

	"github.com/bfquery/bfquery/parser"
	"github.com/bfquery/bfquery/sqlgen"
)

// SQLCmd is "bfquery sql": query text in, SQL over an export's tables out.
type SQLCmd struct {
	Query      string `arg:"" help:"The query, e.g. \"SELECT elementId FROM file 1124890692330272 WHERE floor = 'F01'\"."`
	Dialect    string `default:"duckdb" enum:"duckdb,spark,trino" help:"The SQL engine (${enum})."`
	Data       string `type:"path" placeholder:"DIR" help:"Begin with the statements that define the tables as views over this dataset directory (bfquery export's --out), for duckdb and spark."`
	Elements   string `default:"elements" placeholder:"TABLE" help:"The elements table's name."`
	Properties string `default:"properties" placeholder:"TABLE" help:"The properties table's name."`
}

func (c *SQLCmd) Run(e *env) error {
	st, err := parser.Compile(c.Query)
	if err != nil {
		return err
	}
	d, err := sqlgen.ParseDialect(c.Dialect)
	if err != nil {
		return inputError{err}
	}
	text, err := sqlgen.Compile(st, sqlgen.Options{Dialect: d, Elements: c.Elements, Properties: c.Properties})
	if err != nil {
		return inputError{err}
	}
	if c.Data != "" {
		views, err := sqlgen.Views(c.Data, d)
		if err != nil {
			return inputError{err}
		}
		text = views + text
	}
	_, err = fmt.Fprint(e.stdout, text)
	return err
}
