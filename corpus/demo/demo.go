// Package demo holds the sample survey that `qcode demo` codes: the free-text
// answers of a 2010 audit of post-qualifying learning in six London boroughs
// (43 social workers and 10 PQ leads; see DOMAIN.md).
package demo

import (
	_ "embed"

	"qcode/corpus"
)

// FileName is the survey's file name; the source is named after it.
const FileName = "london-pq-survey-2010.csv"

//go:embed london-pq-survey-2010.csv
var surveyCSV []byte

// CSV returns the survey export as it was delivered (long format: one row per
// answer, columns response_id, survey, question_id, question, response).
func CSV() []byte { return surveyCSV }

// roles names each respondent group the way a report's attribution reads.
var roles = map[string]string{"pq_leads": "PQ lead", "social_workers": "Social worker"}

// Survey reads the survey into a source: one segment per answer, with the
// survey, question id and question text as attributes, and the respondent
// group as a "role" attribute for quote attributions.
func Survey() (*corpus.Source, error) {
	src, err := corpus.Parse(FileName, surveyCSV, corpus.Options{TextCol: "response", IDCol: "response_id"})
	if err != nil {
		return nil, err
	}
	for i := range src.Segments {
		seg := &src.Segments[i]
		for _, a := range seg.Attributes {
			if role, ok := roles[a.Value]; ok && a.Name == "survey" {
				seg.Attributes = append(seg.Attributes, corpus.Attribute{Name: "role", Value: role})
				break
			}
		}
	}
	src.Attributes = append(src.Attributes, corpus.Attribute{Name: "method", Value: "survey"})
	return src, nil
}
