package kubectlplugin

import (
	"fmt"
	"strings"

	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// taskKind describes one task resource the plugin knows: how to name it and how to make empty objects of it.
type taskKind struct {
	// Kind is the API kind, e.g. "VideoTask".
	Kind string
	// Resource is the plural resource name, e.g. "videotasks".
	Resource string
	// aliases are what a user may type for the kind: singular, plural, short name.
	aliases []string
	newObj  func() tasksv1alpha1.Task
	newList func() client.ObjectList
	items   func(client.ObjectList) []tasksv1alpha1.Task
}

var (
	videoTaskKind = taskKind{
		Kind:     "VideoTask",
		Resource: "videotasks",
		aliases:  []string{"videotask", "videotasks", "vt"},
		newObj:   func() tasksv1alpha1.Task { return &tasksv1alpha1.VideoTask{} },
		newList:  func() client.ObjectList { return &tasksv1alpha1.VideoTaskList{} },
		items: func(l client.ObjectList) []tasksv1alpha1.Task {
			list := l.(*tasksv1alpha1.VideoTaskList)
			out := make([]tasksv1alpha1.Task, len(list.Items))
			for i := range list.Items {
				out[i] = &list.Items[i]
			}
			return out
		},
	}
	slideTaskKind = taskKind{
		Kind:     "SlideTask",
		Resource: "slidetasks",
		aliases:  []string{"slidetask", "slidetasks", "st"},
		newObj:   func() tasksv1alpha1.Task { return &tasksv1alpha1.SlideTask{} },
		newList:  func() client.ObjectList { return &tasksv1alpha1.SlideTaskList{} },
		items: func(l client.ObjectList) []tasksv1alpha1.Task {
			list := l.(*tasksv1alpha1.SlideTaskList)
			out := make([]tasksv1alpha1.Task, len(list.Items))
			for i := range list.Items {
				out[i] = &list.Items[i]
			}
			return out
		},
	}
	// allKinds is the order in which a bare task name is looked up.
	allKinds = []taskKind{videoTaskKind, slideTaskKind}
)

// qualified is the kind as kubectl prints it in messages such as "videotask.tasks.langflix.io/x created".
func (k taskKind) qualified() string {
	return strings.ToLower(k.Kind) + "." + tasksv1alpha1.GroupVersion.Group
}

// parseKinds turns the --kind flag into the kinds it selects; "" and "all" select every task kind.
func parseKinds(flag string) ([]taskKind, error) {
	flag = strings.ToLower(strings.TrimSpace(flag))
	if flag == "" || flag == "all" {
		return allKinds, nil
	}
	for _, k := range allKinds {
		for _, a := range k.aliases {
			if flag == a || flag == a+"."+tasksv1alpha1.GroupVersion.Group {
				return []taskKind{k}, nil
			}
		}
	}
	return nil, fmt.Errorf("--kind=%q: want videotask (vt), slidetask (st) or all", flag)
}

// splitTaskArg accepts "NAME" or kubectl's "KIND/NAME" (for example vt/sintel) and returns the kinds to look
// in and the name. kinds narrows the search when --kind was given; a KIND/NAME that contradicts it is an error.
func splitTaskArg(arg string, kinds []taskKind) ([]taskKind, string, error) {
	kindPart, name, found := strings.Cut(arg, "/")
	if !found {
		return kinds, arg, nil
	}
	if name == "" {
		return nil, "", fmt.Errorf("%q: want NAME or KIND/NAME", arg)
	}
	parsed, err := parseKinds(kindPart)
	if err != nil || len(parsed) != 1 {
		return nil, "", fmt.Errorf("%q: unknown task kind %q: want videotask (vt) or slidetask (st)", arg, kindPart)
	}
	for _, k := range kinds {
		if k.Kind == parsed[0].Kind {
			return parsed, name, nil
		}
	}
	return nil, "", fmt.Errorf("%q contradicts --kind", arg)
}

// kindOf returns the task kind of a typed task object.
func kindOf(t tasksv1alpha1.Task) taskKind {
	if _, ok := t.(*tasksv1alpha1.SlideTask); ok {
		return slideTaskKind
	}
	return videoTaskKind
}
