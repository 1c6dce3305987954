package serve

import (
	"fmt"
	"time"
)

// epochMicros formats t as epoch seconds with exactly six fraction digits ("1735787045.100000"), truncating
// to the microsecond, as upstream's "%s.%f" does.
func epochMicros(t time.Time) string {
	us := t.UnixMicro()
	sec, frac := us/1e6, us%1e6
	if frac < 0 { // before 1970: keep the fraction positive
		sec, frac = sec-1, frac+1e6
	}
	return fmt.Sprintf("%d.%06d", sec, frac)
}
