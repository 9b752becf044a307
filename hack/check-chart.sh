#!/usr/bin/env bash
# Checks the Helm chart charts/langflix-operator. Runs every check, prints what differs for each failure, and
# exits non-zero when any failed:
#
#   1. crds/ holds byte-identical copies of config/crd/bases, and files/admission of the admission policies in
#      config/admission (`make manifests` copies both).
#   2. `helm lint --strict` with the default values and with ci/all-values.yaml (every option on); the
#      package holds what NOTES.txt reads and not the check-only ci/ values.
#   3. `helm template` with both; the values schema rejects bad values; rendered flags match the values.
#   4. The rendered operator ClusterRole grants exactly what config/rbac/role.yaml (generated from the
#      +kubebuilder:rbac markers) grants, and the runner ClusterRole what config/rbac/runner_role.yaml grants;
#      with watchNamespaces (ci/all-values.yaml) there is no operator ClusterRole, and the operator's Role in
#      each watched namespace grants exactly what role.yaml grants.
#   5. When KUBECONFIG names a reachable API server (envtest or a real cluster): the CRDs are applied for real
#      (custom resources cannot be dry-run without them), the release namespace and the watched namespaces of
#      ci/all-values.yaml are created when missing (with Pod Security warn=restricted), and the rendered
#      objects pass `kubectl apply --dry-run=server` without warnings (Pod Security, deprecations). `helm upgrade
#      --install --dry-run=server` renders NOTES.txt, whose example PVC and VideoTask must pass a server dry run too.
#      The ServiceMonitor is only rendered, not dry-run, unless the cluster has the monitoring.coreos.com CRDs.
#
# Environment: HELM and KUBECTL override the binaries (default: the pinned builds of
# hack/build-k8s-binaries.sh, built when missing); KUBE_VERSION is the Kubernetes version to render for
# without a live server (default 1.30.0, the chart's minimum); NAMESPACE is the release namespace
# (default langflix-system); CHART checks another copy of the chart (the tests use it to break one on purpose).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHART="${CHART:-$ROOT/charts/langflix-operator}"
RELEASE=langflix-operator
NAMESPACE="${NAMESPACE:-langflix-system}"
KUBE_VERSION="${KUBE_VERSION:-1.30.0}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  local line
  if [[ -n "${2:-}" ]]; then while IFS= read -r line; do printf '      %s\n' "$line"; done <<<"${2%$'\n'}"; fi
}
note() { printf '      %s\n' "$*"; }

# tool NAME: the binary named by $HELM/$KUBECTL, else the pinned build (built when missing). A helm or kubectl
# that happens to be on PATH is never used: its version would differ from one machine to the next.
tool() {
  local name="$1" override
  override="$(tr '[:lower:]' '[:upper:]' <<<"$name")"
  if [[ -n "${!override:-}" ]]; then echo "${!override}"; return; fi
  echo "$("$ROOT/hack/build-k8s-binaries.sh" "$name")/$name"
}

# expect_render_failure DESCRIPTION MESSAGE-FRAGMENT HELM-ARGS...: the chart must refuse these values.
expect_render_failure() {
  local what="$1" fragment="$2"
  shift 2
  local out
  if out=$("$HELM" template "$RELEASE" "$CHART" -n "$NAMESPACE" --kube-version "$KUBE_VERSION" "$@" 2>&1); then
    fail "rejects $what" "helm template $* succeeded"
  elif ! grep -qF -- "$fragment" <<<"$out"; then
    fail "rejects $what" "error does not mention '$fragment':"$'\n'"$out"
  else
    pass "rejects $what"
  fi
}

# expect_line FILE LINE DESCRIPTION: FILE has LINE (after leading spaces) exactly.
expect_line() {
  if grep -qxF -- "$2" <(sed 's/^ *//' "$1"); then pass "$3"; else fail "$3" "no line '$2' in $(basename "$1")"; fi
}

# expect_no_match FILE REGEX DESCRIPTION
expect_no_match() {
  local hits
  if hits=$(grep -nE -- "$2" "$1"); then fail "$3" "$hits"; else pass "$3"; fi
}

HELM="$(tool helm)"
cd "$ROOT"
echo "check-chart: $("$HELM" version --short), chart $CHART"

# --- 1. CRDs ------------------------------------------------------------------------------------------------
crd_problems=""
for src in config/crd/bases/*.yaml; do
  dst="$CHART/crds/$(basename "$src")"
  if [[ ! -f "$dst" ]]; then
    crd_problems+="missing: charts/langflix-operator/crds/$(basename "$src")"$'\n'
  elif ! cmp -s "$src" "$dst"; then
    crd_problems+="$(diff -u "$src" "$dst" | head -40 || true)"$'\n'
  fi
done
for dst in "$CHART"/crds/*.yaml; do
  [[ -f "config/crd/bases/$(basename "$dst")" ]] || crd_problems+="extra: $dst has no source in config/crd/bases"$'\n'
done
if [[ -z "$crd_problems" ]]; then
  pass "crds/ is identical to config/crd/bases ($(find config/crd/bases -name '*.yaml' | wc -l) CRDs)"
else
  fail "crds/ is identical to config/crd/bases (run 'make manifests')" "$crd_problems"
fi

# The admission policies: the chart renders its copies in files/admission, with its values in their settings.
policy_problems=""
for src in config/admission/*-policy.yaml; do
  dst="$CHART/files/admission/$(basename "$src")"
  if [[ ! -f "$dst" ]]; then
    policy_problems+="missing: charts/langflix-operator/files/admission/$(basename "$src")"$'\n'
  elif ! cmp -s "$src" "$dst"; then
    policy_problems+="$(diff -u "$src" "$dst" | head -40 || true)"$'\n'
  fi
done
for dst in "$CHART"/files/admission/*.yaml; do
  [[ -f "config/admission/$(basename "$dst")" ]] || policy_problems+="extra: $dst has no source in config/admission"$'\n'
done
if [[ -z "$policy_problems" ]]; then
  pass "files/admission is identical to the policies in config/admission ($(find config/admission -name '*-policy.yaml' | wc -l) policies)"
else
  fail "files/admission is identical to the policies in config/admission (run 'make manifests')" "$policy_problems"
fi

# --- 2. lint ------------------------------------------------------------------------------------------------
ALL_VALUES="$CHART/ci/all-values.yaml"
for values in "" "$ALL_VALUES"; do
  label="helm lint --strict${values:+ -f ci/$(basename "$values")}"
  if out=$("$HELM" lint --strict --kube-version "$KUBE_VERSION" "$CHART" ${values:+-f "$values"} 2>&1); then
    pass "$label"
  else
    fail "$label" "$out"
  fi
done

# The packaged chart must carry what NOTES.txt reads (examples/) and leave out the check-only values (ci/).
if out=$("$HELM" package "$CHART" -d "$WORK" 2>&1); then
  listing=$(tar -tzf "$WORK"/langflix-operator-*.tgz)
  problems=""
  for want in langflix-operator/examples/videotask.yaml langflix-operator/values.schema.json \
    langflix-operator/crds/tasks.langflix.io_videotasks.yaml langflix-operator/templates/NOTES.txt; do
    grep -qxF "$want" <<<"$listing" || problems+="missing from the package: $want"$'\n'
  done
  if grep -q '^langflix-operator/ci/' <<<"$listing"; then problems+="ci/ is packaged; .helmignore should leave it out"$'\n'; fi
  if [[ -z "$problems" ]]; then pass "helm package ($(wc -l <<<"$listing") files)"; else fail "helm package contents" "$problems"; fi
else
  fail "helm package" "$out"
fi

# --- 3. template --------------------------------------------------------------------------------------------
render() { # OUT [HELM-ARGS...]
  local out="$1"
  shift
  "$HELM" template "$RELEASE" "$CHART" -n "$NAMESPACE" --kube-version "$KUBE_VERSION" "$@" >"$out" 2>"$out.err"
}
DEFAULT="$WORK/default.yaml"
ALL="$WORK/all.yaml"
if render "$DEFAULT"; then pass "helm template (default values)"; else fail "helm template (default values)" "$(cat "$DEFAULT.err")"; fi
if render "$ALL" -f "$ALL_VALUES"; then pass "helm template -f ci/all-values.yaml"; else fail "helm template -f ci/all-values.yaml" "$(cat "$ALL.err")"; fi

kinds() { { grep -E '^kind: ' "$1" || true; } | sed 's/^kind: //' | sort | tr '\n' ' ' | sed 's/ $//'; }
expect_kinds() { # FILE WANT DESCRIPTION
  local got
  got=$(kinds "$1")
  if [[ "$got" == "$2" ]]; then pass "$3: $2"; else fail "$3" "got:  $got"$'\n'"want: $2"; fi
}
VAPS="ValidatingAdmissionPolicy ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding ValidatingAdmissionPolicyBinding"
expect_kinds "$DEFAULT" "ClusterRole ClusterRole ClusterRoleBinding Deployment Role RoleBinding ServiceAccount $VAPS" "default objects"
expect_kinds "$ALL" "ClusterRole Deployment Role Role Role Role RoleBinding RoleBinding RoleBinding RoleBinding Secret Service ServiceAccount ServiceMonitor $VAPS" "all-values objects"

# Flags follow the values (see controllers/manager/options.go for their meaning).
expect_line "$DEFAULT" '- --leader-elect=true' "default: leader election on"
expect_line "$DEFAULT" '- "--runner-cluster-role=langflix-runner"' "default: --runner-cluster-role=langflix-runner"
expect_line "$DEFAULT" '- "--runner-image=langflix-runner:0.1.0"' "default: runner image has no registry host and the appVersion tag"
expect_line "$DEFAULT" 'image: "langflix-operator:0.1.0"' "default: manager image has no registry host and the appVersion tag"
expect_line "$DEFAULT" '- "--runner-memory-limit=2Gi"' "default: --runner-memory-limit=2Gi"
expect_no_match "$DEFAULT" '--redis-secret|--cache-shared|--namespaces' "default: no cache and no --namespaces"
expect_line "$ALL" '- --leader-elect=true' "all-values: replicaCount 2 forces leader election on"
expect_line "$ALL" '- "--namespaces=langflix-ci-a,langflix-ci-b"' "all-values: --namespaces"
expect_line "$ALL" '- "--redis-secret=langflix-ci-redis"' "all-values: --redis-secret names the chart's Secret"
expect_line "$ALL" '- "--redis-secret-key=redis-url"' "all-values: --redis-secret-key"
expect_line "$ALL" '- --redis-secret-mode=Copy' "all-values: --redis-secret-mode=Copy"
expect_line "$ALL" '- --cache-shared=true' "all-values: --cache-shared"
# The Redis URL (password included) is in its Secret only: never in the Deployment, never in a flag.
if hits=$(awk '/^---/{doc=""} /^kind: /{doc=$2} doc!="Secret" && /redis:\/\//{print NR": "$0}' "$ALL") && [[ -n "$hits" ]]; then
  fail "all-values: the Redis URL is only in its Secret" "$hits"
else
  pass "all-values: the Redis URL is only in its Secret"
fi
# Admission settings follow the values (the policies' setting variables hold CEL literals).
expect_line "$DEFAULT" "- expression: '''PodCreators'''" "default: admission.otherVolumeTypes PodCreators"
expect_line "$DEFAULT" "- expression: '''Disabled'''" "default: admission.insecureLLMEndpoints Disabled"
expect_line "$DEFAULT" "- expression: '''langflix-runner'''" "default: the policies know the runner ServiceAccount"
expect_line "$ALL" "- expression: '''Disabled'''" "all-values: admission.otherVolumeTypes Disabled"
expect_line "$ALL" "- expression: '''Everyone'''" "all-values: admission.bucketURLs Everyone"
expect_line "$ALL" "- expression: '''ClusterLocal'''" "all-values: admission.insecureLLMEndpoints ClusterLocal"
expect_line "$ALL" "- expression: '''langflix-ci-runner'''" "all-values: the policies follow runner.serviceAccountName"
expect_line "$ALL" "- expression: '[''langflix-batch'', ''langflix-low'']'" "all-values: admission.allowedPriorityClasses"
expect_line "$ALL" '- --max-concurrent-reconciles=8' "all-values: --max-concurrent-reconciles"
expect_line "$ALL" '- --kube-api-qps=20.5' "all-values: --kube-api-qps"
expect_line "$DEFAULT" '- --max-running-tasks=0' "default: no limit on running tasks"
expect_line "$ALL" '- --max-running-tasks=20' "all-values: --max-running-tasks"
expect_line "$ALL" '- --max-running-tasks-per-namespace=3' "all-values: --max-running-tasks-per-namespace"
expect_line "$ALL" '- --v=4' "all-values: -v"
expect_no_match "$ALL" '^kind: ClusterRoleBinding' "all-values: watchNamespaces binds with RoleBindings only"

# The values schema is in force.
expect_render_failure "concurrency 0" "concurrency" --set concurrency=0
expect_render_failure "a negative limit on running tasks" "maxRunningTasks" --set queue.maxRunningTasks=-1
expect_render_failure "an unknown pull policy" "pullPolicy" --set image.pullPolicy=Sometimes
expect_render_failure "an unknown value key" "replicas" --set replicas=2
expect_render_failure "a bad runner quantity" "memoryLimit" --set runner.resources.memoryLimit=lots
expect_render_failure "a ServiceMonitor without metrics" "metrics.enabled" \
  --set metrics.enabled=false --set metrics.serviceMonitor.enabled=true
expect_render_failure "an unknown admission setting" "otherVolumeTypes" --set admission.otherVolumeTypes=Everyone
expect_render_failure "PerNamespace Redis without a Secret name" "existingSecret" \
  --set redis.secretMode=PerNamespace --set redis.url=redis://r:6379

# --- 4. RBAC rules ------------------------------------------------------------------------------------------
RULESDIFF="$WORK/rulesdiff"
if ! out=$(go build -o "$RULESDIFF" ./hack/rulesdiff 2>&1); then
  fail "build hack/rulesdiff" "$out"
fi
compare_rules() { # DESCRIPTION WANT-FILE GOT-FILE GOT-NAME [RULESDIFF-ARGS...]
  local out what="$1" want="$2" got="$3" name="$4"
  shift 4
  if [[ ! -x "$RULESDIFF" ]]; then fail "$what" "hack/rulesdiff did not build"; return; fi
  if out=$("$RULESDIFF" -want "$want" -got "$got" -got-name "$name" "$@" 2>&1); then pass "$what"; else fail "$what" "$out"; fi
}
compare_rules "operator ClusterRole rules equal config/rbac/role.yaml" config/rbac/role.yaml "$DEFAULT" "$RELEASE"
compare_rules "runner ClusterRole rules equal config/rbac/runner_role.yaml" config/rbac/runner_role.yaml "$DEFAULT" langflix-runner
# With other runner names, the operator may bind that ClusterRole and write that Secret copy instead, and
# nothing else changes. With watchNamespaces, those rules are a Role in each watched namespace and nothing is
# granted cluster-wide.
sed -e 's/^  - langflix-runner$/  - langflix-ci-runner/' -e 's/^  - langflix-runner-cache$/  - langflix-ci-runner-cache/' \
  config/rbac/role.yaml >"$WORK/role-ci-runner.yaml"
for ns in $(sed -n '/^watchNamespaces:/,/^[a-z]/s/^  - //p' "$ALL_VALUES"); do
  compare_rules "all-values: operator Role in $ns equals config/rbac/role.yaml (with the runner's names)" \
    "$WORK/role-ci-runner.yaml" "$ALL" langflix-ci -got-kind Role -got-namespace "$ns"
done
if awk '/^---/{k=0} /^kind: ClusterRole$/{k=1} k && /^  name: langflix-ci$/{found=1} END{exit !found}' "$ALL"; then
  fail "all-values: no operator ClusterRole with watchNamespaces" "a ClusterRole langflix-ci is rendered"
else
  pass "all-values: no operator ClusterRole with watchNamespaces"
fi
compare_rules "all-values: runner ClusterRole rules equal config/rbac/runner_role.yaml" config/rbac/runner_role.yaml "$ALL" langflix-ci-runner

# --- 5. live API server ---------------------------------------------------------------------------------------
if [[ -z "${KUBECONFIG:-}" ]]; then
  note "KUBECONFIG is not set: skipping the server-side dry run"
else
  KUBECTL="$(tool kubectl)"
  if ! server=$("$KUBECTL" get --raw /version 2>&1); then
    fail "API server in KUBECONFIG is reachable" "$server"
  else
    server_version=$(sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' <<<"$server" | head -1)
    pass "API server in KUBECONFIG is reachable ($server_version)"
    # Render again for the server's own version, so its kubeVersion check and capabilities apply.
    live_args=(--kube-version "${server_version%%[-+]*}")
    if ! "$KUBECTL" get crd servicemonitors.monitoring.coreos.com >/dev/null 2>&1; then
      note "no ServiceMonitor CRD in the cluster: dry-running all-values without the ServiceMonitor"
      all_live_args=(--set metrics.serviceMonitor.enabled=false)
    else
      all_live_args=()
    fi

    if out=$("$KUBECTL" apply --server-side --field-manager=check-chart -f "$CHART/crds/" 2>&1) &&
      out+=$'\n'$("$KUBECTL" wait --for=condition=Established --timeout=60s -f "$CHART/crds/" 2>&1); then
      pass "CRDs from crds/ applied and Established"
    else
      fail "CRDs from crds/ applied and Established" "$out"
    fi

    # Namespaces must exist for a dry run of objects in them. The ones created here get the "restricted"
    # Pod Security level in warn mode, so the server warns about any pod template that would not run there;
    # existing namespaces keep their labels.
    for ns in "$NAMESPACE" $(sed -n '/^watchNamespaces:/,/^[a-z]/s/^  - //p' "$ALL_VALUES"); do
      "$KUBECTL" get namespace "$ns" >/dev/null 2>&1 && continue
      if out=$("$KUBECTL" create namespace "$ns" 2>&1) &&
        out+=$'\n'$("$KUBECTL" label namespace "$ns" pod-security.kubernetes.io/warn=restricted 2>&1); then
        note "created namespace $ns (Pod Security warn=restricted)"
      else
        fail "create namespace $ns" "$out"
      fi
    done

    dry_run() { # DESCRIPTION [HELM-ARGS...]
      local what="$1" rendered="$WORK/live.yaml" out
      shift
      if ! "$HELM" template "$RELEASE" "$CHART" -n "$NAMESPACE" "${live_args[@]}" "$@" >"$rendered" 2>"$rendered.err"; then
        fail "$what" "$(cat "$rendered.err")"
        return
      fi
      if ! out=$("$KUBECTL" apply --dry-run=server -f "$rendered" 2>&1); then
        fail "$what" "$out"
      elif grep -q '^Warning:' <<<"$out"; then
        # Pod Security ("would violate PodSecurity") and API deprecations arrive as warnings.
        fail "$what: the server warned" "$out"
      else
        pass "$what: $(grep -c 'created (server dry run)\|configured (server dry run)\|unchanged (server dry run)' <<<"$out") objects accepted"
      fi
    }
    dry_run "kubectl apply --dry-run=server (default values)"
    dry_run "kubectl apply --dry-run=server (all-values)" -f "$ALL_VALUES" "${all_live_args[@]}"

    # helm renders NOTES.txt only on install or upgrade; its example must be what the server accepts.
    if ! out=$("$HELM" upgrade --install "$RELEASE" "$CHART" -n "$NAMESPACE" --dry-run=server 2>&1); then
      fail "helm upgrade --install --dry-run=server renders NOTES.txt" "$out"
    else
      sed -n '/^NOTES:/,$p' <<<"$out" >"$WORK/notes.txt"
      missing=""
      for want in "kubectl get videotasks -n default -w" "kubectl get langflix" "kubectl events -n default --for videotask/episode-01" \
        "kind: VideoTask" "kind: PersistentVolumeClaim" "{.status.result.manifest}"; do
        grep -qF -- "$want" "$WORK/notes.txt" || missing+="no '$want' in NOTES"$'\n'
      done
      if [[ -z "$missing" ]]; then pass "helm upgrade --install --dry-run=server renders NOTES.txt"; else fail "NOTES.txt content" "$missing$(cat "$WORK/notes.txt")"; fi
      sed -n "/<<'YAML'\$/,/^YAML\$/p" "$WORK/notes.txt" | sed '1d;$d' >"$WORK/notes-example.yaml"
      if [[ ! -s "$WORK/notes-example.yaml" ]]; then
        fail "NOTES example accepted by the server" "no <<'YAML' ... YAML block in NOTES"
      elif out=$("$KUBECTL" apply --dry-run=server -n "$NAMESPACE" -f "$WORK/notes-example.yaml" 2>&1); then
        pass "NOTES example (PVC and VideoTask) accepted by the server"
      else
        fail "NOTES example (PVC and VideoTask) accepted by the server" "$out"
      fi
    fi
  fi
fi

echo "check-chart: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
