package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"

	"qcode/coding"
)

// Every key a component answers is declared in its key map, and every
// binding of the key map is on its ? screen (FullHelp): help is generated
// from what the component does. (No component compares raw key strings:
// they match key presses against these bindings.)
func TestHelpListsEveryKey(t *testing.T) {
	s := twoCoders(t)
	h := newHarness(t, s, 120, 40, Options{Coder: "alice"})
	c, sc := h.m.c, h.m.screen
	seg := h.m.current()
	ql, _ := newQuoteList(c, "Barriers", nil)
	agree, _ := newAgreeView(c)
	review, _ := newReviewView(c, "Barriers", nil, coding.UnitsReviewed, "")
	report, _ := newReportView(c)
	doc, _ := newDocument(c, sc.shown())
	browser, _ := newMemoBrowser(c, shown{})
	co, _ := newCooccurView(c, report)
	pl, _ := newPassageList(c, "", nil, false, func() (passagesFound, error) { return passagesFound{}, nil })
	for _, tc := range []struct {
		name string
		comp help.KeyMap
		maps []any
	}{
		{"coding screen", sc, []any{sc.keys, sc.list.keys, sc.panel.keys, sc.search.keys, sc.list.cur.keys, sc.spanK, viewKeyMap()}},
		{"picker", newPicker(c, pickApply, ""), []any{newPickerKeys()}},
		{"chooser", newChooser(c, "", nil), []any{newChooserKeys()}},
		{"filter", newFilterMenu(c), []any{newFilterKeys()}},
		{"memo", newMemoEditor(c, seg, seg.Codings[0]), []any{newMemoKeys()}},
		{"code every match", codeAllOn(c, seg), []any{newCodeAllKeys(), newPickerKeys()}},
		{"memo browser", browser, []any{newMemoBrowserKeys()}},
		{"editor", newEditor(c), []any{newEditorKeys()}},
		{"report", report, []any{newReportKeys()}},
		{"quotes", ql, []any{newQuoteKeys()}},
		{"co-occurrence", co, []any{newCooccurKeys()}},
		{"passages", pl, []any{newPassageKeys()}},
		{"agreement", agree, []any{newAgreeKeys()}},
		{"review", review, []any{newReviewKeys()}},
		{"help", newHelpView(c, sc), []any{newHelpKeys()}},
		{"document", doc, []any{newDocKeys(), newSpanKeys()}},
	} {
		listed := map[string]bool{}
		for _, g := range tc.comp.FullHelp() {
			for _, b := range g {
				listed[id(b)] = true
			}
		}
		for _, km := range tc.maps {
			v := reflect.ValueOf(km)
			for i := range v.NumField() {
				b, ok := v.Field(i).Interface().(key.Binding)
				if !ok {
					continue
				}
				if !listed[id(b)] {
					t.Errorf("%s: %s (%s, keys %v) is not on its ? screen", tc.name, v.Type().Field(i).Name, b.Help().Key, b.Keys())
				}
			}
		}
	}
}

func id(b key.Binding) string {
	keys := slices.Clone(b.Keys())
	slices.Sort(keys)
	return b.Help().Key + "\x00" + b.Help().Desc + "\x00" + strings.Join(keys, " ")
}

// viewKeyMap is the keys of views as a struct, for the walk above.
func viewKeyMap() any {
	fields := make([]reflect.StructField, len(views))
	for i := range views {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("View%d", i), Type: reflect.TypeFor[key.Binding]()}
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	for i, e := range views {
		v.Field(i).Set(reflect.ValueOf(e.key))
	}
	return v.Interface()
}

// codeAllOn is the A dialog opened on one segment's search match.
func codeAllOn(c common, seg *coding.Segment) help.KeyMap {
	a, _ := newCodeAll(c, shown{query: "x", hits: []coding.SegRef{seg.Ref}})
	return a
}
