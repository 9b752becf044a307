package subtitles

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	smiComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	smiBodyEnd = regexp.MustCompile(`(?i)</body\s*>`)
	smiSync    = regexp.MustCompile(`(?i)<sync\b([^>]*)>`)
	smiStart   = regexp.MustCompile(`(?i)\bstart\s*=\s*["']?\s*(\d{1,10})`)
	smiPara    = regexp.MustCompile(`(?i)<p\b([^>]*)>`)
	smiClass   = regexp.MustCompile(`(?i)\bclass\s*=\s*["']?([^"'\s>]+)`)
)

// smiLastCueDuration is how long the last cue shows when no later SYNC clears it. SAMI has no end times,
// and a few seconds is a normal reading time for one line.
const smiLastCueDuration = 3 * time.Second

// smiEvent is one SYNC point for the chosen language: from start, raw shows until the next SYNC point. Blank
// text (typically "&nbsp;") clears the screen.
type smiEvent struct {
	start time.Duration
	raw   string
}

// readSMI reads Microsoft SAMI (.smi), the usual format of Korean subtitles:
//
//	<SYNC Start=1000><P Class=KRCC>text<br>second line
//	<SYNC Start=3500><P Class=KRCC>&nbsp;
//
// Each SYNC replaces what is on screen, so a cue ends where the next SYNC starts. When paragraphs of several
// language classes are present (bilingual files), the class of the first classed paragraph is read and the
// others are ignored; a SYNC carrying only other classes does not touch the chosen track.
func readSMI(text string) []Cue {
	text = smiComment.ReplaceAllString(text, "")
	if loc := smiBodyEnd.FindStringIndex(text); loc != nil {
		text = text[:loc[0]]
	}
	points := smiSyncPoints(text)
	chosen := firstClass(points)
	var events []smiEvent
	for _, p := range points {
		var texts []string
		matched := false
		for _, para := range p.paras {
			if para.class == "" || strings.EqualFold(para.class, chosen) {
				texts = append(texts, para.raw)
				matched = true
			}
		}
		if matched {
			events = append(events, smiEvent{start: p.start, raw: strings.Join(texts, "\n")})
		}
	}
	return smiCues(events)
}

// smiSyncPoint is one <SYNC> with its paragraphs, in file order.
type smiSyncPoint struct {
	start time.Duration
	paras []smiParagraph
}

// smiSyncPoints finds the SYNC points; one without a readable Start is skipped with its content.
func smiSyncPoints(text string) []smiSyncPoint {
	syncs := smiSync.FindAllStringSubmatchIndex(text, -1)
	var points []smiSyncPoint
	for i, loc := range syncs {
		m := smiStart.FindStringSubmatch(text[loc[2]:loc[3]])
		if m == nil {
			continue
		}
		ms, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			continue
		}
		contentEnd := len(text)
		if i+1 < len(syncs) {
			contentEnd = syncs[i+1][0]
		}
		points = append(points, smiSyncPoint{
			start: time.Duration(ms) * time.Millisecond,
			paras: smiParagraphs(text[loc[1]:contentEnd]),
		})
	}
	return points
}

// firstClass is the language class of the first classed paragraph, "" when no paragraph has a class.
func firstClass(points []smiSyncPoint) string {
	for _, p := range points {
		for _, para := range p.paras {
			if para.class != "" {
				return para.class
			}
		}
	}
	return ""
}

// smiParagraph is the text of one <P> (or the text of a SYNC without <P>), with its language class.
type smiParagraph struct {
	class string
	raw   string
}

// smiParagraphs splits a SYNC's content at its <P> tags. Text before the first <P> counts as unclassed,
// but only when it is not blank, so that the line break after <SYNC ...> does not clear the screen.
func smiParagraphs(content string) []smiParagraph {
	locs := smiPara.FindAllStringSubmatchIndex(content, -1)
	if len(locs) == 0 {
		return []smiParagraph{{raw: content}}
	}
	var out []smiParagraph
	if lead := content[:locs[0][0]]; cleanText(lead) != "" {
		out = append(out, smiParagraph{raw: lead})
	}
	for i, loc := range locs {
		end := len(content)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		var class string
		if m := smiClass.FindStringSubmatch(content[loc[2]:loc[3]]); m != nil {
			class = m[1]
		}
		out = append(out, smiParagraph{class: class, raw: content[loc[1]:end]})
	}
	return out
}

// smiCues turns SYNC points into cues. Points are sorted by time (SAMI files are not always in order); of
// several points at the same time the last one in the file wins, as it would on screen.
func smiCues(events []smiEvent) []Cue {
	slices.SortStableFunc(events, func(a, b smiEvent) int { return cmp.Compare(a.start, b.start) })
	var cues []Cue
	for i, e := range events {
		if i+1 < len(events) && events[i+1].start == e.start {
			continue
		}
		end := e.start + smiLastCueDuration
		if i+1 < len(events) {
			end = events[i+1].start
		}
		cues = appendCue(cues, e.start, end, e.raw)
	}
	return cues
}
