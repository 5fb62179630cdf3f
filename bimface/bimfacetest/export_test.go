package bimfacetest

// WithClock makes the simulator read the time from now for the expiry of
// tokens, view tokens and download URLs, so that tests move it by days.
var WithClock = withClock
