package coding_test

import "testing"

func TestZZWriteAnswers(t *testing.T) {
	writeAnswers(&testing.B{}, "/tmp/imp/bench.csv", 200_000)
}
