package refi

import (
	"regexp"
	"sort"
	"time"

	"qcode/corpus/qdaxml"
)

// Attribute values are text in qcode; a REFI variable has a type. A
// variable is typed by all its values: Integer when every value is an
// integer written plainly (no sign but "-", no leading zero), Float when
// every value is a plain decimal with a point ("3.5"), Date when every
// value is a calendar date written YYYY-MM-DD, Boolean when every value is
// "true" or "false", else Text. Each value is written as it is stored, so
// that it reads back the same.
var (
	integerRE = regexp.MustCompile(`^-?(?:0|[1-9][0-9]{0,17})$`)
	decimalRE = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)\.[0-9]+$`)
	dateRE    = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// variableType types a variable by its values.
func variableType(values []string) string {
	if len(values) == 0 {
		return qdaxml.TypeText
	}
	all := func(ok func(string) bool) bool {
		for _, v := range values {
			if !ok(v) {
				return false
			}
		}
		return true
	}
	switch {
	case all(integerRE.MatchString):
		return qdaxml.TypeInteger
	case all(decimalRE.MatchString):
		return qdaxml.TypeFloat
	case all(isDate):
		return qdaxml.TypeDate
	case all(func(v string) bool { return v == "true" || v == "false" }):
		return qdaxml.TypeBoolean
	}
	return qdaxml.TypeText
}

func isDate(v string) bool {
	if !dateRE.MatchString(v) {
		return false
	}
	_, err := time.Parse("2006-01-02", v)
	return err == nil
}

// typedValue is a value as a VariableValue of a variable of type typ.
func typedValue(guid, typ, value string) qdaxml.VariableValue {
	v := qdaxml.VariableValue{VariableRef: qdaxml.Ref{Target: guid}}
	p := &value
	switch typ {
	case qdaxml.TypeInteger:
		v.IntegerValue = p
	case qdaxml.TypeFloat:
		v.FloatValue = p
	case qdaxml.TypeDate:
		v.DateValue = p
	case qdaxml.TypeBoolean:
		v.BooleanValue = p
	default:
		v.TextValue = p
	}
	return v
}

// variableSet gathers the attributes of cases and sources as variables:
// one per name as stored (two spellings are two variables, as the project
// holds them).
type variableSet struct {
	values map[string][]string
}

func (vs *variableSet) add(name, value string) {
	if vs.values == nil {
		vs.values = map[string][]string{}
	}
	vs.values[name] = append(vs.values[name], value)
}

// variables lists the variables by name, typed, with their GUIDs.
func (vs *variableSet) variables(g guids) ([]qdaxml.Variable, map[string]qdaxml.Variable) {
	names := make([]string, 0, len(vs.values))
	for n := range vs.values {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]qdaxml.Variable, 0, len(names))
	byName := map[string]qdaxml.Variable{}
	for _, n := range names {
		v := qdaxml.Variable{GUID: g.of("variable", n), Name: n, Type: variableType(vs.values[n])}
		out = append(out, v)
		byName[n] = v
	}
	return out, byName
}
