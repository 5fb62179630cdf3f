package bimfacetest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/bfquery/bfquery/bimface"
	"github.com/bfquery/bfquery/dsl"
)

// levels maps a tree level to the keys of its node names and IDs.
var levels = map[string][2]string{
	"building":   {"building", "buildingId"},
	"systemType": {"systemType", "systemTypeId"},
	"specialty":  {"specialty", "specialtyId"},
	"floor":      {"floor", "floorId"},
	"category":   {"categoryName", "categoryId"},
	"family":     {"family", "familyId"},
	"familyType": {"familyType", "familyTypeId"},
}

// tree answers .../tree: a file's default tree as a bare list of floor
// nodes (v=2.0), anything else as {"root", "items"}.
func (s *Simulator) tree(w http.ResponseWriter, r *http.Request, t *target) {
	q := r.URL.Query()
	var body struct {
		DesiredHierarchy   []string          `json:"desiredHierarchy"`
		CustomizedNodeKeys map[string]string `json:"customizedNodeKeys"`
	}
	if r.Method == http.MethodPost || r.ContentLength > 0 {
		b, ok := readBody(w, r)
		if !ok {
			return
		}
		if len(bytes.TrimSpace(b)) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				badRequest(w, "tree body: %v", err)
				return
			}
		}
	}
	// The default trees, as the pages show them: a file's by floor, an
	// integration's by floor then specialty, or by specialty then floor;
	// desiredHierarchy counts only in a customized tree.
	integration := t.key.typ == dsl.TargetIntegration
	hier, root := []string{"floor", "category", "family", "familyType"}, "floor"
	if integration {
		hier, root = []string{"floor", "specialty", "category", "family", "familyType"}, "楼层"
	}
	treeType := q.Get("treeType")
	switch {
	case treeType == "customized":
		hier = body.DesiredHierarchy
		if len(hier) == 0 && q.Get("desiredHierarchy") != "" {
			hier = strings.Split(q.Get("desiredHierarchy"), ",")
		}
		if len(hier) == 0 {
			badRequest(w, "desiredHierarchy is required with treeType customized")
			return
		}
		root = hier[0]
	case integration && treeType == "specialty":
		hier, root = []string{"specialty", "floor", "category", "family", "familyType"}, "专业"
	case treeType == "" || (!integration && treeType == "default") || (integration && treeType == "floor"):
	default:
		badRequest(w, "treeType %q: unknown", treeType)
		return
	}
	for _, l := range hier {
		if _, ok := levels[l]; !ok {
			badRequest(w, "desiredHierarchy: unknown level %q", l)
			return
		}
	}
	info := t.info()
	all := make([]int, len(info.elems))
	for i := range all {
		all[i] = i
	}
	var nodeKeys map[string]string
	if treeType == "customized" {
		nodeKeys = body.CustomizedNodeKeys
	}
	items := buildTree(info.elems, all, hier, nodeKeys)
	if !integration && treeType != "customized" && q.Get("v") == "2.0" {
		writeData(w, items)
		return
	}
	writeData(w, bimface.Tree{Root: root, Items: items})
}

func buildTree(elems []recInfo, recs []int, hier []string, nodeKeys map[string]string) []bimface.TreeNode {
	nodes := []bimface.TreeNode{}
	if len(hier) == 0 {
		return nodes
	}
	level := hier[0]
	keys := levels[level]
	index := map[[2]string]int{}
	var members [][]int
	for _, i := range recs {
		k := [2]string{elems[i].props[keys[1]], elems[i].props[keys[0]]}
		j, ok := index[k]
		if !ok {
			j = len(nodes)
			index[k] = j
			id := k[0]
			if nodeKeys[level] == "name" {
				id = k[1]
			}
			nodes = append(nodes, bimface.TreeNode{ID: id, Name: k[1], ActualName: k[1], Type: level})
			members = append(members, nil)
		}
		members[j] = append(members[j], i)
		nodes[j].ElementCount++
	}
	for j := range nodes {
		nodes[j].Items = buildTree(elems, members[j], hier[1:], nodeKeys)
	}
	return nodes
}
