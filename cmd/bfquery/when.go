package main

import (
	"strconv"

	"github.com/bfquery/bfquery/bimface"
)

// timeLayout is how bfquery prints a time for people, in every command:
// in the local zone, with the zone said, since BIMFACE's own times are
// China time and say nothing of it.
const timeLayout = "2006-01-02 15:04:05 MST"

// when prints a time BIMFACE gave (createTime, expireTime) in timeLayout;
// one it cannot read, as it came.
func when(s string) string {
	if s == "" {
		return ""
	}
	t, err := bimface.ParseTime(s)
	if err != nil {
		return s
	}
	return t.Local().Format(timeLayout)
}

// named is "integration 12 (tower)", or without the parentheses when the
// thing has no name.
func named(what string, id int64, name string) string {
	s := what + " " + strconv.FormatInt(id, 10)
	if name != "" {
		s += " (" + name + ")"
	}
	return s
}
