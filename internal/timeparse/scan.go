package timeparse

import "unicode/utf8"

// maxScanRunes caps how much of a text is searched for time expressions, so
// that Parse stays linear and bounded on hostile input: reminders carry their
// time near the start, and nobody writes a 4 000-character reminder.
const maxScanRunes = 4096

// scanner holds the normalised text: ASCII folded to lower case and
// full-width digits and punctuation mapped to ASCII, one rune for one rune, so
// that offsets map back to the original text.
type scanner struct {
	r   []rune
	off []int // byte offset in the original text of each rune; off[len(r)] = end
	zh  bool
	en  bool

	tmp, best expr     // scratch for chain
	parts     [8]part2 // bare dates and clocks found, for joinParts
	nparts    int
	gap       [2]int // the words bridge skipped inside the best expression, if any
}

func newScanner(text string, lang string) *scanner {
	n := utf8.RuneCountInString(text)
	if n > maxScanRunes {
		n = maxScanRunes
	}
	// Both grammars always run: they read disjoint scripts, and people mix
	// them (明天3pm). lang is kept for a future tie-break.
	_ = lang
	s := &scanner{r: make([]rune, 0, n), off: make([]int, 0, n+1), zh: true, en: true}
	end := len(text)
	for i, c := range text {
		if len(s.r) == n {
			end = i
			break
		}
		s.r = append(s.r, fold(c))
		s.off = append(s.off, i)
	}
	s.off = append(s.off, end)
	foldCantonese(s.r)
	return s
}

func fold(c rune) rune {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A')
	case c >= '０' && c <= '９':
		return c - '０' + '0'
	case c >= 'Ａ' && c <= 'Ｚ':
		return c - 'Ａ' + 'a'
	case c >= 'ａ' && c <= 'ｚ':
		return c - 'ａ' + 'a'
	case c == '：':
		return ':'
	case c == '／':
		return '/'
	case c == '－' || c == '—' || c == '–':
		return '-'
	case c == '～' || c == '〜':
		return '~'
	case c == '\u3000' || c == '\t' || c == '\n' || c == '\r' || c == '\u00a0':
		return ' '
	case c == '．':
		return '.'
	case c >= 0x4e00:
		return tradRune(c)
	}
	return c
}

func (s *scanner) at(i int) rune {
	if i < 0 || i >= len(s.r) {
		return 0
	}
	return s.r[i]
}

func isDigit(c rune) bool  { return c >= '0' && c <= '9' }
func isLetter(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// lit matches str at i and returns the index after it, or -1.
func (s *scanner) lit(i int, str string) int {
	if i < 0 || i >= len(s.r) || str == "" {
		if i >= 0 && str == "" {
			return i
		}
		return -1
	}
	// most calls fail on the first rune: check it before decoding the rest
	if c := str[0]; c < utf8.RuneSelf {
		if s.r[i] != rune(c) {
			return -1
		}
	} else if c0, _ := utf8.DecodeRuneInString(str); s.r[i] != c0 {
		return -1
	}
	j := i
	for _, c := range str {
		if j >= len(s.r) || s.r[j] != c {
			return -1
		}
		j++
	}
	return j
}

// lits matches the longest of strs at i; it returns the end and the index of
// the string matched, or -1, -1.
func (s *scanner) lits(i int, strs ...string) (int, int) {
	best, bi := -1, -1
	for k, str := range strs {
		if j := s.lit(i, str); j > best {
			best, bi = j, k
		}
	}
	return best, bi
}

// word matches an English word (or words) at i that ends at a word boundary.
func (s *scanner) word(i int, w string) int {
	j := s.lit(i, w)
	if j < 0 || isLetter(s.at(j)) || (isDigit(s.at(j)) && isDigit(s.at(j-1))) {
		return -1
	}
	return j
}

// words matches the longest of ws at i as whole words; it returns the end and
// the index matched, or -1, -1.
func (s *scanner) words(i int, ws ...string) (int, int) {
	best, bi := -1, -1
	for k, w := range ws {
		if j := s.word(i, w); j > best {
			best, bi = j, k
		}
	}
	return best, bi
}

func (s *scanner) sp(i int) int {
	for i < len(s.r) && s.r[i] == ' ' {
		i++
	}
	return i
}

// spBack returns i moved back over spaces.
func (s *scanner) spBack(i int) int {
	for i > 0 && s.r[i-1] == ' ' {
		i--
	}
	return i
}

// spw skips spaces then matches a word; -1 if absent.
func (s *scanner) spw(i int, w string) int { return s.word(s.sp(i), w) }

// opt returns j if j >= 0, else i: an optional piece.
func opt(i, j int) int {
	if j >= 0 {
		return j
	}
	return i
}

// digits reads up to maxd ASCII digits at i.
func (s *scanner) digits(i, maxd int) (v, j, n int) {
	j = i
	for j < len(s.r) && isDigit(s.r[j]) {
		if n == maxd {
			return 0, -1, 0
		}
		v = v*10 + int(s.r[j]-'0')
		j++
		n++
	}
	if n == 0 {
		return 0, -1, 0
	}
	return v, j, n
}

func cdigit(c rune) int {
	switch c {
	case '零', '〇', 'O':
		return 0
	case '一', '壹':
		return 1
	case '二', '两', '贰', '兩':
		return 2
	case '三', '叁':
		return 3
	case '四', '肆':
		return 4
	case '五', '伍':
		return 5
	case '六', '陆':
		return 6
	case '七', '柒':
		return 7
	case '八', '捌':
		return 8
	case '九', '玖':
		return 9
	}
	return -1
}

func cunit(c rune) int {
	switch c {
	case '十', '拾':
		return 10
	case '百', '佰':
		return 100
	case '千', '仟':
		return 1000
	case '廿':
		return 20
	case '卅':
		return 30
	}
	return 0
}

// num reads a number at i: ASCII digits, or a Chinese numeral (十二, 二十五,
// 廿三, 二〇二六 read digit by digit). It returns the value and the end, or
// -1 as end.
func (s *scanner) num(i int) (int, int) {
	if isDigit(s.at(i)) {
		v, j, _ := s.digits(i, 6)
		if j < 0 {
			return 0, -1
		}
		return v, j
	}
	if !s.zh {
		return 0, -1
	}
	j := i
	units := false
	for j < len(s.r) && j-i < 8 {
		c := s.r[j]
		if c == 'O' {
			break
		}
		if cdigit(c) >= 0 {
			j++
			continue
		}
		if cunit(c) > 0 {
			units = true
			j++
			continue
		}
		break
	}
	if j == i {
		return 0, -1
	}
	if !units {
		v := 0
		for k := i; k < j; k++ {
			v = v*10 + cdigit(s.r[k])
		}
		return v, j
	}
	total, cur := 0, 0
	for k := i; k < j; k++ {
		c := s.r[k]
		if d := cdigit(c); d >= 0 {
			cur = d
			continue
		}
		u := cunit(c)
		if u == 20 || u == 30 {
			total += u
			cur = 0
			continue
		}
		if cur == 0 {
			cur = 1
		}
		total += cur * u
		cur = 0
	}
	return total + cur, j
}

// wordNum reads an English number word (one … thirty-one, a/an) or digits.
func (s *scanner) wordNum(i int) (int, int) {
	if isDigit(s.at(i)) {
		v, j, _ := s.digits(i, 6)
		if j < 0 || isLetter(s.at(j)) && s.word(j, "h") < 0 && s.word(j, "m") < 0 && s.word(j, "d") < 0 && s.word(j, "min") < 0 && s.word(j, "hr") < 0 && s.word(j, "hrs") < 0 && s.word(j, "mins") < 0 {
			return 0, -1
		}
		return v, j
	}
	if !s.en {
		return 0, -1
	}
	if j, k := s.words(i, enSmall...); j >= 0 {
		v := k
		if k >= 20 {
			v = 20 + (k-20)*10 // twenty, thirty, forty, fifty
		}
		if k >= 20 {
			if j2 := s.lit(j, "-"); j2 >= 0 || s.at(j) == ' ' {
				if j2 < 0 {
					j2 = j + 1
				}
				if u, k2 := s.words(j2, enSmall[1:10]...); u >= 0 {
					return v + k2 + 1, u
				}
			}
		}
		return v, j
	}
	if j, _ := s.words(i, "a", "an"); j >= 0 {
		return 1, j
	}
	return 0, -1
}

var enSmall = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
	"twenty", "thirty", "forty", "fifty"}
