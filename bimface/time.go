package bimface

import "time"

// TimeLayout is how BIMFACE writes times: createTime, expireTime, in
// China time (UTC+8) with no zone said.
const TimeLayout = expireTimeLayout

// ParseTime reads a time as BIMFACE writes it (TimeLayout, China time).
func ParseTime(s string) (time.Time, error) {
	return time.ParseInLocation(TimeLayout, s, chinaTime)
}
