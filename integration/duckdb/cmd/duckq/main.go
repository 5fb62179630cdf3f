// Command duckq runs the SQL statements it reads on standard input in an
// in-memory DuckDB and prints the last one's rows as CSV, without a
// header: enough to run what bfquery sql prints without installing
// DuckDB's own shell.
//
//	bfquery sql --data DIR "SELECT …" | go run ./cmd/duckq
package main

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "duckq:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	text, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // views live in the connection's catalog
	stmts := Split(string(text))
	if len(stmts) == 0 {
		return fmt.Errorf("no statement on standard input")
	}
	for _, s := range stmts[:len(stmts)-1] {
		if _, err := db.Exec(s); err != nil {
			return err
		}
	}
	rows, err := db.Query(stmts[len(stmts)-1])
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	rec := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			rec[i] = v.String
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return twoErrs(rows.Err(), w.Error())
}

func twoErrs(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Split cuts SQL text into statements at semicolons outside quotes.
func Split(text string) []string {
	var out []string
	start, quote := 0, byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"':
			quote = c
		case c == ';':
			out = append(out, text[start:i])
			start = i + 1
		}
	}
	out = append(out, text[start:])
	n := 0
	for _, s := range out {
		for _, r := range s {
			if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
				out[n] = s
				n++
				break
			}
		}
	}
	return out[:n]
}
