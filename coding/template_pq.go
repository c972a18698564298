package coding

import (
	"errors"
	"io/fs"
	"sort"
	"strings"

	"qcode/corpus"
)

// Templates are the built-in codebooks `qcode init --codebook NAME` offers.
var Templates = map[string]func() []CodeSpec{
	"pq":    PQTemplate,
	"empty": func() []CodeSpec { return nil },
}

// TemplateNames lists the built-in codebooks.
func TemplateNames() []string {
	var out []string
	for n := range Templates {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LoadCodebook returns a built-in template by name, or reads a codebook file
// of at most maxSize bytes (<= 0: corpus.DefaultLimits.InputSize), refusing
// anything but a regular file.
func LoadCodebook(nameOrPath string, maxSize int64) ([]CodeSpec, error) {
	if t, ok := Templates[nameOrPath]; ok {
		return t(), nil
	}
	data, err := corpus.ReadInput(nameOrPath, maxSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(nameOrPath, "./\\") {
			return nil, errorf(ErrNotFound, "no codebook template %q (templates: %s) and no such file", nameOrPath, strings.Join(TemplateNames(), ", "))
		}
		return nil, err
	}
	return ParseCodebook(nameOrPath, data)
}

// leaf is a code of a template: name, one-line description, inclusion note.
func leaf(name, desc, include string) CodeSpec {
	return CodeSpec{Name: name, Description: desc, Include: include}
}

// PQTemplate is the codebook of UK social-work post-qualifying (PQ) learning
// studies: motivations, benefits (for practitioners, employers and people who
// use services), barriers, and Kirkpatrick's four levels of evaluation.
func PQTemplate() []CodeSpec {
	return []CodeSpec{
		{
			Name: "Motivations", Color: "#4e79a7",
			Description: "Why practitioners take up post-qualifying learning.",
			Include:     "Reasons given for applying to, starting or choosing a PQ award or course.",
			Codes: []CodeSpec{
				leaf("Career progression", "Taking the award to move up: promotion, a senior or specialist post.",
					"Mentions of promotion, progression, a next step, a senior or advanced practitioner post."),
				leaf("Professional development", "Wanting to grow as a practitioner, beyond any job move.",
					"Learning for its own sake, developing practice, being a better social worker."),
				leaf("Keeping up to date", "Staying current with law, policy, research and practice.",
					"Refreshing knowledge, keeping up with changes in legislation, policy or research."),
				leaf("Return to study", "Wanting to study again after qualifying.",
					"Enjoying study, getting back into learning, wanting an academic challenge."),
				leaf("Salary and reward", "Pay, increments or other reward tied to the award.",
					"Higher pay, a pay point or allowance, financial reward for completing."),
				leaf("Recognised qualification", "Wanting a formal, recognised credential.",
					"Credits, a named award, a qualification recognised by employers or the regulator."),
				leaf("Role requirement", "The award is required for a role or by the employer.",
					"Told to do it, needed for a post, mandatory for a function (e.g. MHO, AMHP, BIA)."),
				leaf("Supporting students", "Wanting to teach, supervise or assess social work students.",
					"Practice educator awards, taking students on placement, mentoring."),
				leaf("Client group interest", "Interest in a particular client group or specialism.",
					"Wanting to specialise: children, mental health, older people, adult protection."),
			},
		},
		{
			Name: "Benefits", Color: "#59a14f",
			Description: "What post-qualifying learning gave, and to whom.",
			Include:     "Reported gains from PQ learning; code to the group that gains.",
			Codes: []CodeSpec{
				{
					Name:        "For the practitioner",
					Description: "Gains for the social worker who took the award.",
					Include:     "Benefits the respondent names for themselves.",
					Codes: []CodeSpec{
						leaf("Knowledge and skills", "New or deeper knowledge and practice skills.",
							"Learning law, theory, research or methods; skills used in practice."),
						leaf("Reflective practice", "More reflection on one's own practice.",
							"Thinking critically about practice, time to reflect, reflective writing."),
						leaf("Confidence", "Greater confidence or assurance in practice.",
							"Feeling more confident, assertive or competent in decisions and in court."),
						leaf("Career and role change", "A new post, promotion or role after the award.",
							"Moved post, promoted, took on a new function after completing."),
						leaf("Financial", "Money gained: pay rise, increment, allowance.",
							"Any reported financial gain from completing the award."),
						leaf("Peer learning and networking", "Learning from and with other practitioners.",
							"Meeting colleagues from other teams or authorities, sharing experience."),
						leaf("Academic development", "Gains in study and academic skills or credit.",
							"Academic writing, research skills, credits towards a degree or masters."),
						leaf("Job satisfaction", "Enjoying the work more, feeling valued.",
							"Motivation, morale, satisfaction, feeling recognised or valued."),
					},
				},
				{
					Name:        "For the employer",
					Description: "Gains for the team, service or organisation.",
					Include:     "Benefits named for the employer, team or service.",
					Codes: []CodeSpec{
						leaf("Skilled workforce", "A more skilled, qualified workforce.",
							"Better-qualified staff, raised standards, a skills base."),
						leaf("Knowledge shared with team", "Learning passed on to colleagues.",
							"Sharing learning in team meetings, informing colleagues, cascading."),
						leaf("Student placements", "More or better placements for students.",
							"Capacity to take students, qualified practice educators."),
						leaf("Retention", "Keeping staff: loyalty, lower turnover.",
							"Staff staying, feeling invested in, recruitment and retention."),
						leaf("Statutory roles (MHO, AMHP, BIA)", "Staff able to fill statutory or specialist roles.",
							"Mental Health Officer, Approved Mental Health Professional, Best Interests Assessor."),
					},
				},
				{
					Name:        "For people who use services",
					Description: "Gains for service users, carers and families.",
					Include:     "Direct or indirect impact on people who use services.",
					Codes: []CodeSpec{
						leaf("Better outcomes", "Better outcomes or experiences for people.",
							"Improved assessments, interventions, decisions, or people's lives."),
						leaf("Accurate advice on law and rights", "Better-informed advice about law and rights.",
							"Advice on legislation, entitlements, rights or procedures."),
						leaf("Advocacy", "Standing up for people's rights and voice.",
							"Challenging decisions, representing people's views, empowerment."),
						leaf("Evidence-based practice", "Practice grounded in research and evidence.",
							"Using research, evidence or theory to inform work with people."),
					},
				},
			},
		},
		{
			Name: "Barriers", Color: "#e15759",
			Description: "What gets in the way of taking or finishing post-qualifying learning.",
			Include:     "Obstacles, difficulties and complaints about access to or completion of PQ learning.",
			Codes: []CodeSpec{
				leaf("Workload and time", "Caseloads and lack of time for study.",
					"High workload, no protected study time, studying in own time."),
				leaf("Funding and budget cuts", "Lack of money for fees or training budgets.",
					"Budget cuts, unfunded places, self-funding, ring-fencing."),
				leaf("Release and backfill", "Not being released from work, no cover.",
					"No backfill, managers unable to release staff, study leave refused."),
				leaf("Travel and distance", "Distance to courses, travel time and cost.",
					"Rural or island travel, long journeys, venues far away."),
				leaf("No link to career or pay", "The award brings no progression or reward.",
					"No pay rise, no career pathway, qualification not recognised."),
				leaf("Framework complexity", "A confusing or unstable PQ framework.",
					"Hard to understand or navigate, frequent change, unclear routes."),
				leaf("Academic writing burden", "Too much written work or academic demand.",
					"Heavy assignments, portfolios, academic level too high."),
				leaf("Manager support and supervision", "Variable or missing support from managers.",
					"Managers not supportive, no supervision for study, lack of interest."),
				leaf("Information about opportunities", "Poor information about what is available.",
					"Not knowing what courses exist, poor dissemination, no PQ lead."),
				leaf("Unequal access", "Some staff get opportunities others do not.",
					"Favouritism, part-time or agency staff excluded, access depends on team."),
			},
		},
		{
			// A plain group, not exclusive: one answer can describe evaluation
			// at several levels ("feedback forms, and we pick it up in
			// supervision"), and the study's Table 2 counts authorities at
			// each level they use (17 + 14 + 6 + 3 = 40 for 20 authorities).
			Name: "Kirkpatrick", Color: "#b07aa1", Group: true,
			Description: "Kirkpatrick's (1994) four levels of training evaluation; an answer may show several.",
			Include:     "Code each reported impact or evaluation method at the level it shows; an answer describing several takes each.",
			Codes: []CodeSpec{
				leaf("L1 Reaction", "Level 1: reaction to the learning — satisfaction, relevance.",
					"Evaluation forms, enjoyment, views of the course, happy sheets."),
				leaf("L2 Learning", "Level 2: what participants learned — knowledge, skills, attitudes.",
					"Assessed work, tests, reported gains in knowledge or skill."),
				leaf("L3 Behaviour", "Level 3: change in behaviour at work.",
					"Changed practice, applying learning on the job, observed by managers."),
				leaf("L4 Results", "Level 4: results for the service and the people who use it.",
					"Outcomes for service users, service quality, organisational impact."),
			},
		},
	}
}
