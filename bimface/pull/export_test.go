package pull

// SetIndexMode makes pulls build their index files as mode says
// ("during", "after" or "none") until restore is called, so that tests
// and benchmarks compare the ways.
func SetIndexMode(mode string) (restore func()) {
	m, ok := map[string]indexMode{"during": indexDuring, "after": indexAfter, "none": indexNone}[mode]
	if !ok {
		panic("pull: no index mode " + mode)
	}
	was := whenIndex
	whenIndex = m
	return func() { whenIndex = was }
}
