package kubectlplugin

import (
	"strings"
	"testing"
)

func TestSplitTaskArg(t *testing.T) {
	tests := []struct {
		arg, kindFlag string
		wantKinds     []string
		wantName      string
		wantErr       string
	}{
		{arg: "sintel", kindFlag: "all", wantKinds: []string{"VideoTask", "SlideTask"}, wantName: "sintel"},
		{arg: "sintel", kindFlag: "st", wantKinds: []string{"SlideTask"}, wantName: "sintel"},
		{arg: "vt/sintel", kindFlag: "all", wantKinds: []string{"VideoTask"}, wantName: "sintel"},
		{arg: "videotasks.tasks.langflix.io/sintel", kindFlag: "", wantKinds: []string{"VideoTask"}, wantName: "sintel"},
		{arg: "SlideTask/ice", kindFlag: "all", wantKinds: []string{"SlideTask"}, wantName: "ice"},
		{arg: "vt/sintel", kindFlag: "st", wantErr: "contradicts --kind"},
		{arg: "pod/sintel", kindFlag: "all", wantErr: `unknown task kind "pod"`},
		{arg: "vt/", kindFlag: "all", wantErr: "want NAME or KIND/NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.arg+" --kind="+tt.kindFlag, func(t *testing.T) {
			kinds, err := parseKinds(tt.kindFlag)
			if err != nil {
				t.Fatal(err)
			}
			got, name, err := splitTaskArg(tt.arg, kinds)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, k := range got {
				names = append(names, k.Kind)
			}
			if strings.Join(names, ",") != strings.Join(tt.wantKinds, ",") || name != tt.wantName {
				t.Errorf("got %v %q; want %v %q", names, name, tt.wantKinds, tt.wantName)
			}
		})
	}
}

func TestParseKindsRejectsOtherKinds(t *testing.T) {
	if _, err := parseKinds("cleanuppolicy"); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("parseKinds(cleanuppolicy) = %v; want an error naming --kind", err)
	}
}

func TestRetryNumber(t *testing.T) {
	tests := []struct {
		name, base string
		want       int
		ok         bool
	}{
		{"sintel-retry-1", "sintel", 1, true},
		{"sintel-retry-12", "sintel", 12, true},
		{"sintel", "sintel", 0, false},
		{"sintel-retry-", "sintel", 0, false},
		{"sintel-2-retry-1", "sintel", 0, false}, // another task's retry
		{"sintel-retry-1-retry-2", "sintel", 0, false},
		{"other-retry-1", "sintel", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryNumber(tt.name, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryNumber(%q, %q) = %d, %v; want %d, %v", tt.name, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}
