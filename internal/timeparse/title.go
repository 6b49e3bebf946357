package timeparse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fillers are removed from the text around the time span, longest first
// within each language. They are whole phrases, matched case-insensitively
// for English at word boundaries.
var zhFillers = []string{"别忘了提醒我", "記得提醒我", "別忘了提醒我", "记得提醒我", "記得提我", "記得", "記住", "提我", "提醒我一下", "提醒一下我", "到时候提醒我", "的时候提醒我", "时提醒我", "提醒我", "提醒一下大家", "提醒大家", "提醒一下", "叫我", "通知我",
	"麻烦", "帮我", "请在", "请于", "请", "别忘记", "别忘了", "不要忘记", "不要忘了", "记得要", "记得", "提醒", "的时候", "时候", "我要", "要", "该", "之前", "以前"}

var enFillers = []string{"remind me to", "remind me about", "remind me of", "remind me that", "remind me", "reminder to", "reminder:", "reminder",
	"don't forget to", "dont forget to", "do not forget to", "don't forget", "please", "i need to", "i have to", "i must", "need to",
	"to", "at", "on", "in", "by", "for", "from"}

const trimSet = " \t,.;:!?，。；：！？、~-—…()（）[]【】\"'“”‘’"

// title is what is left of a reminder once the time span (between before and
// after) and the filler around it are gone.
func title(before, after string) string {
	b := strings.TrimRight(before, trimSet)
	a := strings.TrimLeft(after, trimSet)
	a = trimBefore(a)
	var s string
	switch {
	case b == "":
		s = a
	case a == "":
		s = b
	default:
		if isASCIIWordEnd(b) && isASCIIWordStart(a) || len(b) < len(before) && isASCIIWordEnd(b) {
			s = b + " " + a
		} else {
			s = b + a
		}
	}
	if len(s) > 4096 {
		return strings.TrimSpace(s)
	}
	for changed := true; changed; {
		changed = false
		s = strings.Trim(s, trimSet)
		for _, f := range zhFillers {
			if strings.HasPrefix(s, f) {
				s, changed = s[len(f):], true
				break
			}
			if strings.HasSuffix(s, f) && len(s) > len(f) {
				s, changed = s[:len(s)-len(f)], true
				break
			}
		}
		if changed {
			continue
		}
		for _, f := range enFillers {
			if hasWordPrefix(s, f) {
				s, changed = s[len(f):], true
				break
			}
			if hasWordSuffix(s, f) && len(s) > len(f) {
				s, changed = s[:len(s)-len(f)], true
				break
			}
		}
		if !changed {
			// 提醒我 in the middle: 明天提醒我开会 leaves 提醒我开会
			for _, f := range []string{"提醒我", "remind me to "} {
				if k := strings.Index(s, f); k >= 0 && k < 12 {
					s, changed = s[:k]+s[k+len(f):], true
					break
				}
			}
		}
	}
	if s == "前" || s == "后" {
		return ""
	}
	return s
}

func hasWordPrefix(s, w string) bool {
	if len(s) < len(w) || !strings.EqualFold(s[:len(w)], w) {
		return false
	}
	return len(s) == len(w) || !isWordByte(s[len(w)]) || !isWordByte(w[len(w)-1])
}

func hasWordSuffix(s, w string) bool {
	if len(s) < len(w) || !strings.EqualFold(s[len(s)-len(w):], w) {
		return false
	}
	k := len(s) - len(w)
	return k == 0 || !isWordByte(s[k-1]) || !isWordByte(w[0])
}

func isWordByte(c byte) bool {
	return c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))) || c == '\''
}

func isASCIIWordEnd(s string) bool   { return s != "" && isWordByte(s[len(s)-1]) }
func isASCIIWordStart(s string) bool { return s != "" && isWordByte(s[0]) }

// trimBefore drops the 前 of a deadline (下午5点前提交, 12月10日前缴费) from
// the text after a time, but not the 前 of a word that starts there (前台,
// 前门).
func trimBefore(a string) string {
	r, n := utf8.DecodeRuneInString(a)
	if r != '前' {
		return a
	}
	next, _ := utf8.DecodeRuneInString(a[n:])
	if strings.ContainsRune("台门面往进排线途景辈任夫妻额身卫天年后夕", next) {
		return a
	}
	return strings.TrimLeft(a[n:], trimSet)
}
