package timeparse

// Traditional Chinese and Cantonese are folded to the simplified Mandarin
// forms the components read, before scanning, one rune for one rune so that
// offsets still map to the original text (titles keep the writer's script).

// tradRune maps a traditional character that time phrases use to its
// simplified form; other runes are returned as they are.
func tradRune(c rune) rune {
	switch c {
	case '後':
		return '后'
	case '個':
		return '个'
	case '鐘':
		return '钟'
	case '點':
		return '点'
	case '節':
		return '节'
	case '週':
		return '周'
	case '禮':
		return '礼'
	case '兩':
		return '两'
	case '時':
		return '时'
	case '號':
		return '号'
	case '這':
		return '这'
	case '過':
		return '过'
	case '農':
		return '农'
	case '陰':
		return '阴'
	case '曆':
		return '历'
	case '舊':
		return '旧'
	case '臘':
		return '腊'
	case '頭':
		return '头'
	case '間':
		return '间'
	case '聖':
		return '圣'
	case '誕':
		return '诞'
	case '國':
		return '国'
	case '慶':
		return '庆'
	case '勞':
		return '劳'
	case '動':
		return '动'
	case '婦':
		return '妇'
	case '兒':
		return '儿'
	case '師':
		return '师'
	case '親':
		return '亲'
	case '陽':
		return '阳'
	case '軍':
		return '军'
	case '黨':
		return '党'
	case '愛':
		return '爱'
	case '萬':
		return '万'
	case '龍':
		return '龙'
	case '墳':
		return '坟'
	case '燈':
		return '灯'
	case '夢':
		return '梦'
	case '麼':
		return '么'
	case '鬥':
		return '斗'
	case '書':
		return '书'
	case '晝':
		return '昼'
	case '們':
		return '们'
	case '帶':
		return '带'
	case '樹':
		return '树'
	case '紀':
		return '纪'
	case '類':
		return '类'
	case '環':
		return '环'
	case '島':
		return '岛'
	case '學':
		return '学'
	case '聯':
		return '联'
	case '戰':
		return '战'
	case '勝':
		return '胜'
	case '憲':
		return '宪'
	case '災':
		return '灾'
	case '減':
		return '减'
	case '護':
		return '护'
	case '傳':
		return '传'
	case '統':
		return '统'
	case '歲':
		return '岁'
	case '對':
		return '对'
	case '從':
		return '从'
	case '開':
		return '开'
	case '會':
		return '会'
	case '於':
		return '于'
	case '爲', '為':
		return '为'
	case '氣':
		return '气'
	case '滿':
		return '满'
	case '種':
		return '种'
	case '處':
		return '处'
	case '驚':
		return '惊'
	case '蟄':
		return '蛰'
	case '穀':
		return '谷'
	case '雲':
		return '云'
	case '閏':
		return '闰'
	case '醫':
		return '医'
	case '體':
		return '体'
	case '長':
		return '长'
	case '東':
		return '东'
	case '際':
		return '际'
	case '與':
		return '与'
	case '並':
		return '并'
	case '還':
		return '还'
	case '記':
		return '记'
	case '鐵':
		return '铁'
	case '達':
		return '达'
	case '華':
		return '华'
	case '僑':
		return '侨'
	case '區':
		return '区'
	case '漢':
		return '汉'
	case '餘':
		return '余'
	case '貳':
		return '贰'
	case '陸':
		return '陆'
	case '復':
		return '复'
	case '穌':
		return '稣'
	case '難':
		return '难'
	case '權':
		return '权'
	case '讀':
		return '读'
	case '網':
		return '网'
	case '絡':
		return '络'
	case '總':
		return '总'
	case '陣':
		return '阵'
	case '將':
		return '将'
	case '倫':
		return '伦'
	case '雙':
		return '双'
	case '獨':
		return '独'
	case '衛':
		return '卫'
	case '義':
		return '义'
	case '豐':
		return '丰'
	case '鋒':
		return '锋'
	case '殘':
		return '残'
	case '門':
		return '门'
	case '歸':
		return '归'
	case '殺':
		return '杀'
	case '費':
		return '费'
	case '經':
		return '经'
	case '濟':
		return '济'
	case '灣':
		return '湾'
	case '臺':
		return '台'
	case '圖':
		return '图'
	case '參', '叄':
		return '叁'
	}
	return c
}

// cantonese lists words of two runes and the Mandarin of the same length
// they are read as: 聽日 is 明天, 今個禮拜 is 这个礼拜.
var cantonese = [...][2][2]rune{
	{{'聽', '日'}, {'明', '天'}},
	{{'听', '日'}, {'明', '天'}},
	{{'聽', '朝'}, {'明', '早'}},
	{{'听', '朝'}, {'明', '早'}},
	{{'聽', '晚'}, {'明', '晚'}},
	{{'听', '晚'}, {'明', '晚'}},
	{{'后', '日'}, {'后', '天'}}, // 後日, 大後日 (after folding)
	{{'琴', '日'}, {'昨', '天'}},
	{{'寻', '日'}, {'昨', '天'}},
	{{'尋', '日'}, {'昨', '天'}},
	{{'今', '个'}, {'这', '个'}}, // 今個禮拜三
	{{'呢', '个'}, {'这', '个'}},
	{{'今', '朝'}, {'今', '早'}},
	{{'每', '朝'}, {'每', '早'}}, // 每朝八點: every morning
	{{'朝', '早'}, {'早', '上'}},
	{{'晏', '昼'}, {'下', '午'}},
	{{'下', '昼'}, {'下', '午'}},
	{{'上', '昼'}, {'上', '午'}},
	{{'晚', '黑'}, {'晚', '上'}},
	{{'出', '年'}, {'明', '年'}},
	{{'旧', '年'}, {'去', '年'}},
	{{'月', '尾'}, {'月', '底'}},
	{{'年', '尾'}, {'年', '底'}},
	{{'月', '头'}, {'月', '初'}}, // 下個月頭
	{{'逢', '星'}, {'每', '星'}}, // 逢星期五: every Friday
	{{'逢', '周'}, {'每', '周'}},
	{{'逢', '礼'}, {'每', '礼'}},
}

// foldCantonese rewrites the two-rune Cantonese words of r in place.
func foldCantonese(r []rune) {
	for i := 0; i+1 < len(r); i++ {
		c := r[i]
		if c < 0x4e00 {
			continue
		}
		for _, w := range cantonese {
			if w[0][0] == c && w[0][1] == r[i+1] && (c != '后' || i == 0 || !unitBefore(r[i-1])) && (c != '逢' || i == 0 || r[i-1] != '每') {
				r[i], r[i+1] = w[1][0], w[1][1]
				i++
				break
			}
		}
	}
}

// unitBefore reports whether c ends a duration or a word that 后 follows
// (3天后日程, 之后): then 后日 is not the day after tomorrow.
func unitBefore(c rune) bool {
	switch c {
	case '天', '周', '月', '年', '时', '钟', '分', '秒', '以', '之', '过', '然', '最', '此', '头':
		return true
	}
	return false
}
