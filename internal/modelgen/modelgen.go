// Package modelgen writes synthetic BIMFACE models: elements, rooms and
// areas shaped like the answers of BIMFACE's element data endpoints, and
// whole cache directories with their manifest. The same Config always
// gives the same bytes, so tests, benchmarks and the embedded demo model
// can regenerate what they use instead of storing it.
//
// The models look like what Revit files give BIMFACE: the 基本属性 group
// with the standard English keys, 尺寸标注 with numbers written both as
// JSON numbers (3000.0) and as numeric strings ("2.703969", valueType 2),
// 限制条件, 标识数据 with '#' codes, 其他, and a few elements holding the
// same key in two groups. Keys have the cardinalities of real models: few
// floors and categories, a unique guid per element, a few hundred types.
// An element takes about 1 KB of JSON.
package modelgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Format is how a list of records is written.
type Format string

// The formats the loader of package eval reads.
const (
	NDJSON   Format = "ndjson"   // one record per line
	Envelope Format = "envelope" // {"code":"success","data":[…],"message":""}
	Array    Format = "array"    // a bare JSON array
)

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case NDJSON, Envelope, Array:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: must be ndjson, envelope or array", s)
}

// Config says what to generate.
type Config struct {
	Elements int    // number of elements
	Seed     uint64 // same seed, same model
	// FirstID is the elementId of the first element; the others follow
	// with small gaps. 0 means 300000.
	FirstID int
	// FileIDField, when not empty, is written as each element's fileId,
	// as integration element lists carry it.
	FileIDField string
}

// Rooms is the number of rooms generated for a model of n elements.
func Rooms(n int) int { return max(3, n/100) }

// Areas is the number of areas generated for a model of n elements.
func Areas(n int) int { return max(2, n/500) }

type category struct {
	name, id, specialty string
	weight              int
	families            []family
	mep                 bool
}

type family struct {
	name  string
	types []string
}

var specialtyIDs = map[string]string{"建筑": "1", "结构": "2", "给排水": "3", "暖通": "4", "电气": "5"}

var categories = []category{
	{"墙", "-2000011", "建筑", 24, []family{
		{"基本墙", []string{"常规 - 200mm", "常规 - 300mm", "外墙 - 250mm", "内墙 - 100mm", "砌块墙 - 190mm", "女儿墙 - 120mm"}},
		{"叠层墙", []string{"外部 - 砌块勒脚砖墙", "外部 - 带砖与金属立筋龙骨复合墙"}},
		{"幕墙", []string{"幕墙", "外部玻璃", "店面"}},
	}, false},
	{"门", "-2000023", "建筑", 8, []family{
		{"单扇门", []string{"M0921", "M1021", "M0821"}},
		{"双扇门", []string{"M1521", "M1824", "FM甲1521"}},
		{"卷帘门", []string{"JLM3030"}},
	}, false},
	{"窗", "-2000014", "建筑", 8, []family{
		{"固定窗", []string{"C0915", "C1215", "C1518"}},
		{"推拉窗", []string{"TC1515", "TC1815", "TC2115"}},
	}, false},
	{"结构柱", "-2001330", "结构", 8, []family{
		{"混凝土-矩形-柱", []string{"500 x 500mm", "600 x 600mm", "400 x 600mm"}},
		{"钢柱-H型", []string{"HW300x300", "HW400x400"}},
	}, false},
	{"结构框架", "-2001320", "结构", 10, []family{
		{"混凝土-矩形梁", []string{"300 x 600mm", "250 x 500mm", "400 x 800mm", "200 x 400mm"}},
		{"钢梁-工字钢", []string{"I25a", "I32a"}},
	}, false},
	{"楼板", "-2000032", "结构", 6, []family{
		{"楼板", []string{"常规 - 120mm", "常规 - 150mm", "混凝土 - 200mm"}},
	}, false},
	{"管道", "-2008044", "给排水", 15, []family{
		{"管道类型", []string{"PVC-U 排水", "镀锌钢管", "PP-R 给水", "不锈钢管"}},
	}, true},
	{"风管", "-2008000", "暖通", 8, []family{
		{"矩形风管", []string{"半径弯头/T 形三通", "斜接弯头/接头"}},
		{"圆形风管", []string{"T 形三通"}},
	}, true},
	{"电缆桥架", "-2008130", "电气", 5, []family{
		{"带配件的电缆桥架", []string{"梯级式电缆桥架", "槽式电缆桥架"}},
	}, true},
	{"家具", "-2000080", "建筑", 8, []family{
		{"办公桌", []string{"1500 x 750mm", "1800 x 900mm"}},
		{"椅子-办公", []string{"标准"}},
		{"书柜", []string{"900 x 400 x 2000mm"}},
	}, false},
}

var systems = map[string][]string{
	"管道":   {"污水", "给水", "热水", "消防"},
	"风管":   {"送风", "回风", "排风"},
	"电缆桥架": {"强电", "弱电"},
}

var (
	floors      = []string{"B01", "F01", "F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "F10", "RF"}
	floorLevels = map[string]float64{"B01": -4500, "F01": 0, "F02": 4200, "F03": 7800, "F04": 11400, "F05": 15000, "F06": 18600, "F07": 22200, "F08": 25800, "F09": 29400, "F10": 33000, "RF": 36600}
	buildings   = []string{"1#办公楼", "2#办公楼", "3#配套楼"}
	roomTypes   = []string{"办公室", "会议室", "走廊", "卫生间", "楼梯间", "设备间", "大堂"}
	comments    = []string{"", "", "", "待复核", "甲方变更", "见详图", "Phase 2", "已安装"}
	phases      = []string{"新构造", "现有"}
)

// gen writes records with a buffered writer and one random source.
type gen struct {
	w   *bufio.Writer
	rng *rand.Rand
	buf []byte
	err error
}

func newGen(w io.Writer, seed uint64) *gen {
	return &gen{w: bufio.NewWriterSize(w, 256<<10), rng: rand.New(rand.NewPCG(seed, seed^0x5eed_b1f0_ace5))}
}

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }

func (g *gen) category() *category {
	total := 0
	for _, c := range categories {
		total += c.weight
	}
	n := g.rng.IntN(total)
	for i := range categories {
		if n -= categories[i].weight; n < 0 {
			return &categories[i]
		}
	}
	return &categories[0]
}

// list writes records in format f; rec appends one record to g.buf.
func (g *gen) list(f Format, n int, rec func(i int)) error {
	switch f {
	case Envelope:
		g.w.WriteString(`{"code":"success","data":[` + "\n")
	case Array:
		g.w.WriteString("[\n")
	}
	for i := range n {
		g.buf = g.buf[:0]
		rec(i)
		if f != NDJSON && i < n-1 {
			g.buf = append(g.buf, ',')
		}
		g.buf = append(g.buf, '\n')
		if _, err := g.w.Write(g.buf); err != nil {
			return err
		}
	}
	switch f {
	case Envelope:
		g.w.WriteString(`],"message":""}` + "\n")
	case Array:
		g.w.WriteString("]\n")
	}
	return g.w.Flush()
}

// WriteElements writes cfg's elements to w in format f.
func WriteElements(w io.Writer, cfg Config, f Format) error {
	g := newGen(w, cfg.Seed)
	id := cfg.FirstID
	if id == 0 {
		id = 300000
	}
	return g.list(f, cfg.Elements, func(i int) {
		id += 1 + g.rng.IntN(3)
		g.element(id, cfg.FileIDField)
	})
}

func (g *gen) str(s string) { g.buf = appendString(g.buf, s) }

func (g *gen) raw(s string) { g.buf = append(g.buf, s...) }

// item appends a property item; value is a JSON literal.
func (g *gen) item(first bool, key, value string, valueType int, unit string) {
	if !first {
		g.raw(",")
	}
	g.raw(`{"key":`)
	g.str(key)
	g.raw(`,"value":`)
	g.raw(value)
	if unit != "" {
		g.raw(`,"unit":`)
		g.str(unit)
	}
	if valueType != 1 {
		// Plain strings (valueType 1) leave it out, which keeps a
		// million elements near 1 GB.
		g.raw(`,"valueType":`)
		g.buf = strconv.AppendInt(g.buf, int64(valueType), 10)
	}
	g.raw("}")
}

func (g *gen) sitem(first bool, key, value string) { g.item(first, key, quote(value), 1, "") }

func quote(s string) string { return string(appendString(nil, s)) }

func (g *gen) guid() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 45)
	for i, n := range []int{8, 4, 4, 4, 12, 8} {
		if i > 0 {
			b = append(b, '-')
		}
		for range n {
			b = append(b, hex[g.rng.IntN(16)])
		}
	}
	return string(b)
}

// coord is a coordinate in mm, written with one decimal as Revit exports do.
func (g *gen) coord(lo, hi float64) string {
	return strconv.FormatFloat(lo+g.rng.Float64()*(hi-lo), 'f', 1, 64)
}

func (g *gen) element(id int, fileID string) {
	c := g.category()
	fi := g.rng.IntN(len(c.families))
	fam := c.families[fi]
	ti := g.rng.IntN(len(fam.types))
	typ := fam.types[ti]
	floor := g.pick(floors)
	bi := g.rng.IntN(len(buildings))
	familyID := strconv.Itoa(100000 + (int(c.id[2])*31+fi)*17)
	typeID := strconv.Itoa(200000 + (int(c.id[2])*31+fi)*97 + ti)
	familyGUID := "f" + typeID[1:] + "-" + strconv.Itoa(len(fam.name))
	guid := g.guid()
	name := typ
	if c.mep {
		name = fam.name + " " + typ
	}

	g.raw(`{"elementId":"`)
	g.buf = strconv.AppendInt(g.buf, int64(id), 10)
	g.raw(`"`)
	if fileID != "" {
		g.raw(`,"fileId":`)
		g.str(fileID)
	}
	g.raw(`,"guid":`)
	g.str(guid)
	g.raw(`,"name":`)
	g.str(name)
	g.raw(`,"familyGuid":`)
	g.str(familyGUID)
	level := floorLevels[floor]
	x, y := g.rng.Float64()*80000, g.rng.Float64()*40000
	g.raw(`,"boundingBox":{"min":{"x":`)
	g.raw(strconv.FormatFloat(x, 'f', 1, 64))
	g.raw(`,"y":`)
	g.raw(strconv.FormatFloat(y, 'f', 1, 64))
	g.raw(`,"z":`)
	g.raw(strconv.FormatFloat(level, 'f', 1, 64))
	g.raw(`},"max":{"x":`)
	g.raw(g.coord(x, x+6000))
	g.raw(`,"y":`)
	g.raw(g.coord(y, y+3000))
	g.raw(`,"z":`)
	g.raw(strconv.FormatFloat(level+3600, 'f', 1, 64))
	g.raw(`}},"properties":[{"group":"基本属性","items":[`)
	g.sitem(true, "specialty", c.specialty)
	g.sitem(false, "specialtyId", specialtyIDs[c.specialty])
	g.sitem(false, "categoryName", c.name)
	g.sitem(false, "categoryId", c.id)
	g.sitem(false, "floor", floor)
	g.sitem(false, "floorId", strconv.Itoa(311+indexOf(floors, floor)))
	g.sitem(false, "building", buildings[bi])
	g.sitem(false, "buildingId", strconv.Itoa(bi+1))
	if sys := systems[c.name]; sys != nil {
		si := g.rng.IntN(len(sys))
		g.sitem(false, "systemType", sys[si])
		g.sitem(false, "systemTypeId", strconv.Itoa(700+si))
	}
	g.sitem(false, "family", fam.name)
	g.sitem(false, "familyId", familyID)
	g.sitem(false, "familyType", typ)
	g.sitem(false, "familyTypeId", typeID)
	if !c.mep && g.rng.IntN(3) == 0 {
		r := g.rng.IntN(40)
		g.sitem(false, "roomId", strconv.Itoa(500000+r))
		g.sitem(false, "roomName", roomTypes[r%len(roomTypes)]+" "+strconv.Itoa(101+r))
		g.sitem(false, "roomType", roomTypes[r%len(roomTypes)])
	}
	g.raw(`]},{"group":"尺寸标注","items":[`)
	length := float64(300 * (1 + g.rng.IntN(40)))
	// Lengths are whole millimetres written as 3000.0; areas are numeric
	// strings with six decimals, as BIMFACE returns for some parameters.
	g.item(true, "长度", strconv.FormatFloat(length, 'f', 1, 64), 2, "mm")
	area := length / 1000 * (0.5 + g.rng.Float64()*3)
	g.item(false, "面积", quote(strconv.FormatFloat(area, 'f', 6, 64)), 2, "")
	if g.rng.IntN(3) > 0 {
		g.item(false, "体积", strconv.FormatFloat(area*0.2, 'f', 3, 64), 2, "")
	}
	g.raw(`]},{"group":"限制条件","items":[`)
	g.sitem(true, "标高", floor)
	g.item(false, "底部偏移", strconv.FormatFloat(float64(100*g.rng.IntN(5)), 'f', 1, 64), 2, "")
	if c.name == "墙" || c.name == "结构柱" {
		g.item(false, "结构", strconv.FormatBool(c.specialty == "结构" || g.rng.IntN(4) == 0), 3, "")
	}
	g.raw(`]},{"group":"标识数据","items":[`)
	g.sitem(true, "类型名称", typ)
	cm := g.pick(comments)
	if cm != "" {
		g.sitem(false, "注释", cm)
	}
	g.sitem(false, "productID", "#"+c.id[1:]+"#"+strconv.Itoa(g.rng.IntN(500)))
	g.raw(`]}`)
	if g.rng.IntN(10) == 0 {
		g.raw(`,{"group":"其他","items":[`)
		g.sitem(true, "阶段化", g.pick(phases))
		if g.rng.IntN(2) == 0 {
			// The same key in a second group, as Revit shared and
			// family parameters can give.
			g.sitem(false, "注释", g.pick(comments[3:]))
		}
		g.raw(`]}`)
	}
	g.raw(`]}`)
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// WriteRooms writes the rooms of a model of n elements.
func WriteRooms(w io.Writer, n int, seed uint64, f Format) error {
	g := newGen(w, seed^0x200)
	return g.list(f, Rooms(n), func(i int) { g.space(500000+i, "房间", roomTypes[i%len(roomTypes)]+" "+strconv.Itoa(101+i)) })
}

// WriteAreas writes the areas of a model of n elements.
func WriteAreas(w io.Writer, n int, seed uint64, f Format) error {
	g := newGen(w, seed^0x300)
	return g.list(f, Areas(n), func(i int) { g.space(600000+i, "面积", "防火分区 "+strconv.Itoa(i+1)) })
}

// space writes a room or an area, shaped like …/rooms and …/areas.
func (g *gen) space(id int, category, name string) {
	floor := floors[1+g.rng.IntN(len(floors)-1)]
	level := floorLevels[floor]
	x, y := g.rng.Float64()*80000, g.rng.Float64()*40000
	w, d := 3000+g.rng.Float64()*12000, 3000+g.rng.Float64()*8000
	g.raw(`{"id":"`)
	g.buf = strconv.AppendInt(g.buf, int64(id), 10)
	g.raw(`","name":`)
	g.str(name)
	g.raw(`,"levelId":"`)
	g.buf = strconv.AppendInt(g.buf, int64(311+indexOf(floors, floor)), 10)
	g.raw(`","area":`)
	g.raw(strconv.FormatFloat(w*d, 'E', -1, 64))
	g.raw(`,"perimeter":`)
	g.raw(strconv.FormatFloat(2*(w+d), 'f', -1, 64))
	g.raw(`,"bboxMin":{"x":`)
	g.raw(strconv.FormatFloat(x, 'f', 1, 64))
	g.raw(`,"y":`)
	g.raw(strconv.FormatFloat(y, 'f', 1, 64))
	g.raw(`,"z":`)
	g.raw(strconv.FormatFloat(level, 'f', 1, 64))
	g.raw(`},"bboxMax":{"x":`)
	g.raw(strconv.FormatFloat(x+w, 'f', 1, 64))
	g.raw(`,"y":`)
	g.raw(strconv.FormatFloat(y+d, 'f', 1, 64))
	g.raw(`,"z":`)
	g.raw(strconv.FormatFloat(level+3600, 'f', 1, 64))
	g.raw(`},"properties":[{"group":"基本属性","items":[`)
	g.sitem(true, "categoryName", category)
	g.sitem(false, "floor", floor)
	g.sitem(false, "name", name)
	g.raw(`]},{"group":"尺寸标注","items":[`)
	g.item(true, "面积", quote(strconv.FormatFloat(w*d/1e6, 'f', 6, 64)), 2, "m²")
	g.item(false, "周长", strconv.FormatFloat(2*(w+d), 'f', 1, 64), 2, "mm")
	g.raw(`]}]}`)
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
