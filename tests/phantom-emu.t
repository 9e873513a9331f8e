#!/usr/bin/env bash
# phantom-emu.t — the Phantom REST emulator keeps the contract of
# phantom-api.md §9 over real HTTP and HTTPS: auth, validation, de-duplication,
# notes/comments, promotion, list paging and filters, every fault mode, and the
# /emu/ control API.
. "$SOCTERM_SRC/tests/lib/tap.sh"
. "$SOCTERM_SRC/tests/lib/phantom.sh"

command -v jq >/dev/null || skip_all "jq not installed"
[ -x "$SOCTERM_TOOLS/phantom-emu" ] || skip_all "phantom-emu not built (make tools)"

emu_start || { fail "phantom-emu starts"; exit 1; }
pass "phantom-emu starts on a free port"

TOKEN_HDR=(-H "ph-auth-token: $EMU_TOKEN")
AUTH=("${TOKEN_HDR[@]}")

# call METHOD PATH [BODY] [CURL-ARGS...]: sets ST (HTTP status or curl-RC) and B (body).
# (a BODY never starts with '-', a curl option always does)
call() {
	local m=$1 p=$2
	shift 2
	local data=()
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then data=(--data-binary "$1"); shift; fi
	rm -f "$T/body"
	ST=$(emu_curl -o "$T/body" -w '%{http_code}' -X "$m" "${AUTH[@]}" "${data[@]}" "$@" "$EMU_URL$p" 2>/dev/null) ||
		ST="curl-$?"
	B=$(cat "$T/body" 2>/dev/null || true)
}
# j FILTER: jq -c over the last body.
j() { printf '%s' "$B" | jq -c "$1" 2>/dev/null; }
urlq() { jq -rn --arg v "$1" '$v|@uri'; }

# ---- start-up ---------------------------------------------------------------
like "$(cat "$T/emu/stdout")" "^phantom-emu listening on http://127\.0\.0\.1:$EMU_PORT\$" \
	"prints the listening line with the chosen port"
port_hex=$(printf '%04X' "$EMU_PORT")
like "$(awk -v p=":$port_hex" '$2 ~ p"$" && $4 == "0A" {print $2}' /proc/net/tcp)" "^0100007F:" \
	"listens on 127.0.0.1 only"
unlike "$(tr '\0' ' ' < "/proc/$EMU_PID/cmdline")" "$EMU_TOKEN|$EMU_PASSWORD" \
	"no secret on the command line"

# ---- authentication -----------------------------------------------------------
AUTH=()
call GET /rest/container
is "$ST $(j .)" '401 {"failed":true,"message":"No supported auth information provided in request"}' \
	"no credentials: 401 with Phantom's message"
AUTH=(-H "ph-auth-token: wrong")
call GET /rest/container
is "$ST $(j .)" '401 {"failed":true,"message":"Invalid automation token"}' "bad token: 401"
AUTH=("${TOKEN_HDR[@]}")
call GET /rest/container
is "$ST $(j .count)" "200 0" "ph-auth-token header accepted"
AUTH=(-u "$EMU_USER:$EMU_PASSWORD")
call GET /rest/container
is "$ST" 200 "Basic user:password accepted"
AUTH=(-u "$EMU_USER:nope")
call GET /rest/container
is "$ST $(j .failed)" "401 true" "Basic with a wrong password: 401 failed"
AUTH=(-u ":$EMU_TOKEN")
call GET /rest/container
is "$ST" 200 "Basic with empty user and the token as password accepted"
AUTH=(-u ":nope")
call GET /rest/container
is "$ST $(j .message)" '401 "Invalid automation token"' "Basic with empty user and a bad token: 401"
AUTH=(-H "Authorization: Bearer $EMU_TOKEN")
call GET /rest/container
is "$ST" 401 "unsupported Authorization scheme: 401"
AUTH=("${TOKEN_HDR[@]}")
call DELETE /rest/container/1
is "$ST $(j .failed)" "403 true" "DELETE with an automation token: 403"
AUTH=(-u "$EMU_USER:$EMU_PASSWORD")
call DELETE /rest/container_comment/1
is "$ST" 405 "DELETE with a user on a route without DELETE: 405"
AUTH=("${TOKEN_HDR[@]}")
is "$(emu_requests 10 | jq -c '[.[] | .auth] | unique')" '["basic","basic-token","none","token"]' \
	"request log records the auth method used"
unlike "$(emu_state; emu_requests; cat "$T/emu/stdout" "$T/emu/stderr")" "$EMU_TOKEN|$EMU_PASSWORD" \
	"no secret in state, request log or output"

# ---- body parsing ---------------------------------------------------------------
call POST /rest/container '{"name": "x", "label": '
is "$ST $(j .failed)" "400 true" "invalid JSON: 400 failed"
call POST /rest/container "$(printf '{"name":"\xff\xfe","label":"events"}')"
is "$ST $(j .failed)" "400 true" "invalid UTF-8: 400 failed"
call POST /rest/container '"just a string"'
is "$ST $(j .failed)" "400 true" "non-object body: 400 failed"
call POST /rest/container '{"name":"ct","label":"events"}' -H "Content-Type: text/plain"
is "$ST $(j .)" '200 {"success":true,"id":1}' "body parsed as JSON whatever the Content-Type; ids start at 1"

# ---- container validation -------------------------------------------------------
call POST /rest/container '{"label":"events"}'
is "$ST $(j .failed)" "400 true" "missing name: 400"
call POST /rest/container '{"name":"n"}'
is "$ST $(j .failed)" "400 true" "missing label: 400"
call POST /rest/container '{"name":"n","label":"nosuch"}'
is "$ST $(j .message)" '400 "nosuch is not a known label."' "unknown label: 400 with Phantom's text"
call POST /rest/container '{"name":"n","label":"events","severity":"critical"}'
is "$ST $(j .message)" '400 "Severity matching query does not exist."' "unknown severity: 400"
call POST /rest/container '{"name":"n","label":"events","status":2}'
is "$ST $(j .failed)" "400 true" "integer status: 400"
call POST /rest/container '{"name":"n","label":"events","status":"pending"}'
is "$ST $(j .failed)" "400 true" "unknown status: 400"
call POST /rest/container '{"name":"n","label":"events","sensitivity":"purple"}'
is "$ST $(j .failed)" "400 true" "unknown sensitivity: 400"
call POST /rest/container '{"name":"n","label":"events","container_type":"incident"}'
is "$ST $(j .failed)" "400 true" "unknown container_type: 400"
call POST /rest/container '{"name":"n","label":"events","start_time":"yesterday"}'
is "$ST $(j .failed)" "400 true" "malformed timestamp: 400"
call POST /rest/container '{"name":"n","label":"events","tags":["a",1]}'
is "$ST $(j .failed)" "400 true" "non-string tag: 400"

call GET /rest/container/1
is "$(j '[.id,.name,.label,.severity,.sensitivity,.status,.container_type,.in_case,.artifact_count]')" \
	'[1,"ct","events","medium","amber","new","default",false,0]' "defaults: medium, amber, new, default"
like "$(j .create_time)" '^"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"$' \
	"timestamps in Phantom's ISO-8601 form"
is "$(j '[has("owner"),has("custom_fields"),has("close_time"),has("hash"),has("source_data_identifier")]')" \
	'[true,true,true,true,true]' "GET returns the §6.2 field names"

call POST /rest/container '{"name":"Terminal shell in container","label":"events","severity":"high","status":"Closed","sensitivity":"red","source_data_identifier":"sdi-1","start_time":"2018-05-24T10:22:15.576767+02:00","tags":["falco"],"data":{"rule":"x"}}'
is "$ST $(j .id)" "200 2" "full container accepted"
call GET /rest/container/2
is "$(j '[.severity,.status,.sensitivity,.start_time,.tags,.data.rule,(.close_time != null)]')" \
	'["high","closed","red","2018-05-24T08:22:15.576767Z",["falco"],"x",true]' \
	"fields stored; status lower-cased; closed sets close_time; time normalised to UTC"

call POST /rest/container '{"name":"again","label":"events","source_data_identifier":"sdi-1"}'
is "$ST $(j .)" '400 {"failed":true,"existing_container_id":2,"message":"duplicate with source_data_identifier"}' \
	"duplicate SDI: 400 with existing_container_id"

# ---- inline artifacts and bulk ---------------------------------------------------
call POST /rest/container '{"name":"with arts","label":"events","source_data_identifier":"sdi-2","artifacts":[{"name":"a1","cef":{"k":1},"run_automation":true},{"name":"a2","cef":{"k":2}},{"name":"a3","cef":{"k":3},"run_automation":false}]}'
is "$ST $(j '[.id, (.artifacts | map(.success))]')" '200 [3,[true,true,true]]' "inline artifacts created, results listed"
call GET "/rest/container/3/artifacts?sort=id"
is "$(j '[.count, (.data | map(.run_automation))]')" '[3,[false,false,true]]' \
	"run_automation set on the last inline artifact only"
call POST /rest/container '[{"name":"b1","label":"events"},{"name":"b2","label":"nosuch"},{"label":"events"}]'
is "$ST $(j 'map(has("success"))')" '200 [true,false,false]' "bulk containers: per-item results, 200 if one succeeded"
call POST /rest/container '[{"name":"b2","label":"nosuch"}]'
is "$ST $(j '.[0].failed')" "400 true" "bulk with no success: 400"

# ---- artifacts ---------------------------------------------------------------------
call POST /rest/artifact '{"name":"x"}'
is "$ST $(j .failed)" "400 true" "artifact without container_id: 400"
call POST /rest/artifact '{"container_id":999,"name":"x"}'
is "$ST $(j .failed)" "400 true" "artifact for an unknown container: 400"
call POST /rest/artifact '{"container_id":1,"name":"x","severity":"bogus"}'
is "$ST $(j .failed)" "400 true" "artifact with an unknown severity: 400"
ART='{"container_id":1,"name":"proc","label":"event","type":"host","source_data_identifier":"a-1","cef":{"sourceUserName":"root","deviceHostname":"h1"},"data":{"x":[1,2]},"run_automation":false}'
call POST /rest/artifact "$ART"
is "$ST $(j .)" '200 {"success":true,"id":4}' "artifact created"
aid=4
call POST /rest/artifact '{"run_automation":true,"cef":{"deviceHostname":"h1","sourceUserName":"root"},"data":{"x":[1,2]},"type":"host","source_data_identifier":"a-1","label":"event","name":"proc","container_id":"1"}'
is "$ST $(j .)" "400 {\"failed\":true,\"existing_artifact_id\":$aid,\"message\":\"artifact already exists\"}" \
	"same content (any key order) in the same container: existing_artifact_id"
call POST /rest/artifact "$(printf '%s' "$ART" | jq -c '.cef.deviceHostname = "h2"')"
is "$ST $(j .id)" "200 5" "same SDI, different content: a new artifact"
call POST /rest/artifact "$(printf '%s' "$ART" | jq -c '.container_id = 2')"
is "$ST $(j .id)" "200 6" "same content in another container: a new artifact"
call GET /rest/artifact/$aid
is "$(j '[.id,.container,.name,.cef.sourceUserName,.severity,.run_automation,.source_data_identifier]')" \
	'[4,1,"proc","root","medium",false,"a-1"]' "GET artifact: bare object, run_automation kept as sent"
call POST /rest/artifact '[{"container_id":1,"name":"bulk1"},{"container_id":1,"name":"bulk2"},{"container_id":77}]'
is "$ST $(j 'map(.id // .failed)')" '200 [7,8,true]' "bulk artifacts: per-item results"
call GET /rest/container/1
is "$(j .artifact_count)" 4 "container artifact_count follows"

# ---- notes and comments -------------------------------------------------------------
call POST /rest/note '{"container_id":1,"title":"Analyst annotation","content":"**shell** seen","note_type":"general"}'
is "$ST $(j .)" '200 {"success":true,"id":1}' "note created"
call GET /rest/note/1
is "$(j '[.container,.title,.note_format,.note_type]')" '[1,"Analyst annotation","markdown","general"]' \
	"note_format defaults to markdown"
call POST /rest/note '{"container_id":1,"content":"c","note_type":"general"}'
is "$ST $(j .failed)" "400 true" "note without title: 400"
call POST /rest/note '{"container_id":1,"title":"t","content":"c"}'
is "$ST $(j .failed)" "400 true" "note without note_type: 400"
call POST /rest/note '{"container_id":42,"title":"t","content":"c","note_type":"general"}'
is "$ST $(j .failed)" "400 true" "note on an unknown container: 400"
call POST /rest/container_comment '{"container_id":1,"comment":"escalated by console"}'
is "$ST $(j .)" '200 {"success":true,"id":1}' "comment created"
call POST /rest/container_comment '{"container_id":1}'
is "$ST $(j .failed)" "400 true" "comment without text: 400"
call GET /rest/container/1/notes
is "$(j '[.count, .data[0].title]')" '[1,"Analyst annotation"]' "container notes listed"
call GET /rest/container/1/comments
is "$(j '[.count, .data[0].comment]')" '[1,"escalated by console"]' "container comments listed"

# ---- update and promote -----------------------------------------------------------------
call POST /rest/container/1 '{"container_type":"case","severity":"high","bogus_key":1}'
is "$ST $(j .)" '200 {"success":true,"id":1}' "update accepted, unknown keys ignored"
call GET /rest/container/1
is "$(j '[.container_type,.in_case,.severity,.version,.close_time,has("bogus_key")]')" \
	'["case",true,"high",2,null,false]' "promoted to case"
call POST /rest/container/1 '{"status":"closed"}'
call GET /rest/container/1
is "$(j '[.status, (.close_time != null)]')" '["closed",true]' "closing sets close_time"
call POST /rest/container/1 '{"severity":"urgent"}'
is "$ST $(j .message)" '400 "Severity matching query does not exist."' "update validated like create"
call POST /rest/container/1 '{"label":"nosuch"}'
is "$ST $(j .failed)" "400 true" "update with an unknown label: 400"
call POST /rest/container/1 '{"source_data_identifier":"sdi-2"}'
is "$ST $(j .existing_container_id)" "400 3" "update to another container's SDI: duplicate"
call POST /rest/container/999 '{"status":"open"}'
is "$ST $(j .failed)" "404 true" "update of an unknown container: 404"

# ---- reads and routes ------------------------------------------------------------------------
call GET /rest/container/999
is "$ST $(j .)" '404 {"failed":true,"message":"Requested item not found"}' "unknown container: 404"
call GET /rest/artifact/999
is "$ST $(j .message)" '404 "Requested item not found"' "unknown artifact: 404"
call GET /rest/container/999/artifacts
is "$ST" 404 "artifacts of an unknown container: 404"
call GET /rest/nothing
is "$ST $(j .)" '404 {"failed":true}' "unknown route: 404 {failed: true}"
call GET /rest/container/abc
is "$ST" 404 "non-numeric id: 404"
call PUT /rest/container '{}'
is "$ST $(j .failed)" "405 true" "wrong method: 405"
call GET /rest/container/1/
is "$ST $(j .id)" "200 1" "trailing slash accepted"

# ---- lists: paging, sort, filters ------------------------------------------------------------
emu_reset
is "$(emu_state | jq -c '[(.containers|length), .counters.requests]')" '[0,0]' "/emu/reset empties model and counters"
bulk=$(jq -cn '[range(1;26) | {name: ("c-" + (. | tostring) + (if . % 5 == 0 then "-ALPHA" else "" end)),
	label: "events", severity: (if . % 3 == 0 then "high" elif . % 3 == 1 then "low" else "medium" end),
	source_data_identifier: ("sdi-" + (. | tostring))}]')
call POST /rest/container "$bulk"
is "$ST $(j 'map(.id) | [length, first, last]')" "200 [25,1,25]" "25 containers in one bulk POST; ids restart at 1"
call GET /rest/container
is "$(j '[.count, .num_pages, (.data|length), .data[0].id]')" '[25,3,10,1]' "default page_size 10, page 0"
call GET "/rest/container?page=2"
is "$(j '[.count, (.data|map(.id))]')" '[25,[21,22,23,24,25]]' "last page"
call GET "/rest/container?page=3"
is "$ST $(j .)" '404 {"failed":true,"message":"That page contains no results"}' "page past the end: 404"
call GET "/rest/container?page_size=0"
is "$(j '[.count, .num_pages, (.data|length)]')" '[25,1,25]' "page_size=0: everything"
call GET "/rest/container?sort=id&order=desc&page_size=3"
is "$(j '.data|map(.id)')" '[25,24,23]' "sort=id order=desc"
call GET "/rest/container?sort=severity&page_size=0"
is "$(j '.data|map(.severity)|.[0],.[24]')" "$(printf '"high"\n"medium"')" "sort by a string field"
call GET "/rest/container?_filter_source_data_identifier=$(urlq '"sdi-7"')"
is "$(j '[.count, .data[0].id]')" '[1,7]' "filter on a quoted SDI"
call GET "/rest/container?_filter_id=12"
is "$(j '[.count, .data[0].name]')" '[1,"c-12"]' "filter on a bare integer"
call GET "/rest/container?_filter_severity__in=$(urlq '["high","low"]')&page_size=0"
is "$(j '[.count, (.data|map(.severity)|unique)]')" '[17,["high","low"]]' "__in filter"
call GET "/rest/container?_filter_name__icontains=$(urlq '"alpha"')&page_size=0"
is "$(j '.data|map(.id)')" '[5,10,15,20,25]' "__icontains filter"
call GET "/rest/container?_filter_severity=$(urlq '"high"')&_filter_name__icontains=$(urlq '"alpha"')"
is "$(j '.data|map(.id)')" '[15]' "filters AND together"
call GET "/rest/container?_filter_source_data_identifier=sdi-7"
is "$ST $(j .failed)" "400 true" "unquoted string filter value: 400"
call GET "/rest/container?_filter_nosuchfield=1"
is "$ST $(j .failed)" "400 true" "filter on an unknown field: 400"
call GET "/rest/container?_filter_source_data_identifier=$(urlq '"none-such"')"
is "$ST $(j '[.count,.num_pages,.data]')" "200 [0,0,[]]" "page 0 of an empty result is a normal empty list"
call POST /rest/artifact "$(jq -cn '[range(0;12) | {container_id: 3, name: ("a" + tostring), source_data_identifier: "same"}]')"
call GET "/rest/artifact?_filter_container=3&_filter_source_data_identifier=$(urlq '"same"')&page_size=5&page=1"
is "$(j '[.count, .num_pages, (.data|map(.name))]')" '[12,3,["a5","a6","a7","a8","a9"]]' \
	"artifact list filtered by container and SDI, paged"
call GET "/rest/container/3/artifacts?page_size=0&_filter_name__in=$(urlq '["a0","a11"]')"
is "$(j '[.count, (.data|map(.name))]')" '[2,["a0","a11"]]' "sub-collection with a filter"
call GET "/rest/note"
is "$ST $(j .count)" "200 0" "note list"

# ---- concurrency: one winner per SDI ------------------------------------------------------------
# (wait on the clients' pids only: a bare wait would also wait for the emulator)
pids=()
for i in 1 2 3 4 5 6 7 8; do
	emu_curl -o /dev/null -w '%{http_code}\n' "${TOKEN_HDR[@]}" \
		--data-binary '{"name":"race","label":"events","source_data_identifier":"race-1"}' \
		"$EMU_URL/rest/container" >> "$T/race" &
	pids+=($!)
done
wait "${pids[@]}"
is "$(sort "$T/race" | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')" "200x1 400x7 " \
	"8 concurrent creates with one SDI: exactly one wins"
pids=()
for w in 1 2 3 4; do
	for i in $(seq 1 25); do
		[ "$i" = 1 ] || echo next
		printf 'url = "%s/rest/artifact"\nheader = "ph-auth-token: %s"\ndata-binary = "{\\"container_id\\":1,\\"name\\":\\"w%s-%s\\"}"\noutput = "/dev/null"\n' \
			"$EMU_URL" "$EMU_TOKEN" "$w" "$i"
	done > "$T/load$w.cfg"
	emu_curl -K "$T/load$w.cfg" &
	pids+=($!)
done
wait "${pids[@]}"
call GET /rest/container/1
is "$(j .artifact_count)" 100 "4 concurrent keep-alive clients: 100 artifacts, none lost"
is "$(emu_curl -w '%{num_connects} ' -o /dev/null -o /dev/null -o /dev/null "${TOKEN_HDR[@]}" \
	"$EMU_URL/rest/container/1" "$EMU_URL/rest/container/2" "$EMU_URL/rest/container/3")" "1 0 0 " \
	"keep-alive: one connection for three requests"

# ---- faults -------------------------------------------------------------------------------------
emu_fault '{"mode":"status","status":503,"count":2,"path":"/rest/artifact"}' >/dev/null
call GET /rest/container/1
is "$ST" 200 "path-filtered fault leaves other routes alone"
call POST /rest/artifact '{"container_id":1,"name":"during 503"}' -D "$T/hdr"
is "$ST" 503 "status fault: 503"
like "$(tr -d '\r' < "$T/hdr" | grep -i '^content-type:')" "text/html" "status fault: text/html"
like "$B" "<h1>503 Service Temporarily Unavailable</h1>" "status fault: nginx-like HTML body"
like "$B" "<center>nginx</center>" "status fault: nginx signature"
call GET /rest/artifact/1
is "$ST" 503 "second of two faulted requests"
call GET /rest/artifact/1
is "$ST" 200 "fault used up after count requests"
emu_fault '{"mode":"status","status":502,"count":1,"method":"POST"}' >/dev/null
call GET /rest/container/1
is "$ST" 200 "method-filtered fault skips GET"
call POST /rest/container '{"name":"x","label":"events"}'
is "$ST" 502 "502 fault"
like "$B" "<title>502 Bad Gateway</title>" "502 fault with HTML body"

emu_fault '{"mode":"429","retry_after":7,"count":1}' >/dev/null
call GET /rest/container -D "$T/hdr"
is "$ST $(tr -d '\r' < "$T/hdr" | awk -F': ' 'tolower($1)=="retry-after"{print $2}')" "429 7" "429 with Retry-After"

emu_fault '{"mode":"failed200","message":"Database is locked","count":1}' >/dev/null
call POST /rest/container '{"name":"x","label":"events"}'
is "$ST $(j .)" '200 {"failed":true,"message":"Database is locked"}' "failed200: HTTP 200 with failed:true"

emu_fault '{"mode":"reset","count":1}' >/dev/null
call GET /rest/container
like "$ST" "^curl-(56|52)$" "reset: the connection drops without a response (curl error)"
call GET /rest/container
is "$ST" 200 "next request after a reset is served"

emu_fault '{"mode":"hang","ms":1500,"count":1}' >/dev/null
t0=$(date +%s%N)
call GET /rest/container -m 0.5
t1=$(date +%s%N)
is "$ST" "curl-28" "hang: the client times out (curl -m 0.5)"
ok "hang: curl gave up before the hang ended" test $(( (t1 - t0) / 1000000 )) -lt 1400
call GET /rest/container
is "$ST" 200 "other connections are served while one hangs"
hang_closed() { emu_requests 50 | jq -e 'any(.[]; .fault == "hang" and .status == null)' >/dev/null; }
ok "hang: connection closed after ms, logged without a status" wait_for 6 "hang to end" hang_closed

emu_fault '{"mode":"latency","ms":300,"count":1}' >/dev/null
out=$(emu_curl -o /dev/null -w '%{http_code} %{time_total}' "${TOKEN_HDR[@]}" "$EMU_URL/rest/container/1")
lat=${out#* }
ok "latency: answer delayed by 300 ms (took ${lat}s)" awk -v t="$lat" 'BEGIN{exit !(t >= 0.3)}'
like "$out" "^200 " "latency: then answered normally"

emu_fault '{"mode":"status","status":500,"seconds":0.5}' >/dev/null
call GET /rest/container
is "$ST" 500 "timed fault active"
recovered() { call GET /rest/container; [ "$ST" = 200 ]; }
ok "timed fault ends after its seconds" wait_for 5 "timed fault to expire" recovered

emu_fault '{"mode":"status","status":504}' >/dev/null
call GET /rest/container
is "$ST" 504 "permanent fault"
is "$(emu_curl "$EMU_URL/emu/fault" | jq -c '.faults | map([.mode,.status,.remaining])')" '[["status",504,null]]' \
	"GET /emu/fault lists active rules"
emu_clear_faults
call GET /rest/container
is "$ST" 200 "DELETE /emu/fault clears faults"
if emu_fault '{"mode":"explode"}' >/dev/null; then fail "unknown fault mode refused"; else pass "unknown fault mode refused"; fi
bad=$(emu_curl -w ' %{http_code}' -X POST --data-binary '{"mode":"status","stauts":503}' "$EMU_URL/emu/fault")
like "$bad" "unknown key.* 400$" "typo in a fault spec: 400"

st=$(emu_state)
is "$(printf '%s' "$st" | jq -c '.counters.faults | [.["429"], .failed200, .reset, .hang, .latency, (.status >= 5)]')" \
	'[1,1,1,1,1,true]' "/emu/state counts the faults served"
is "$(printf '%s' "$st" | jq -c '[.counters.status["503"], .counters.status["429"], (.counters.routes["POST /rest/container"] > 0)]')" \
	'[2,1,true]' "/emu/state counts statuses and routes"
is "$(printf '%s' "$st" | jq -c '.containers[2] | [.id, (.artifacts|length), .artifact_count]')" '[3,12,12]' \
	"/emu/state embeds artifacts in containers"
is "$(printf '%s' "$st" | jq -c '[.containers[0] | has("notes"), has("comments")] + [.labels, .severities]')" \
	'[true,true,["events"],["high","medium","low"]]' "/emu/state has notes, comments and the vocabulary"
is "$(emu_stats | jq -c '[.containers, .artifacts, .notes, .comments, (.counters.requests > 0)]')" \
	"[26,112,0,0,true]" "/emu/stats counts records"
is "$(emu_count artifacts)" 112 "emu_count"

# ---- shutdown, TLS, command-line options -----------------------------------------------------------
emu_stop
is "$?" 0 "SIGTERM: exit status 0"

emu_start --tls --label soc --label events --severity critical --max-body 64K \
	--fault 'status,status=504,count=1,path=/rest/container' || { fail "TLS emulator starts"; exit 1; }
like "$(tail -n1 "$T/emu/stdout")" "^phantom-emu listening on https://127\.0\.0\.1:$EMU_PORT\$" "https listening line"
call GET /rest/container
is "$ST" 504 "--fault on the command line"
call GET /rest/container
is "$ST $(j .count)" "200 0" "HTTPS verified against the generated CA"
ST=$(curl -sS -o /dev/null -w '%{http_code}' "${TOKEN_HDR[@]}" "https://localhost:$EMU_PORT/rest/container" --cacert "$EMU_CA" 2>/dev/null)
is "$ST" 200 "certificate valid for localhost too"
curl -sS -o /dev/null "${TOKEN_HDR[@]}" "$EMU_URL/rest/container" 2>/dev/null
is "$?" 60 "without the CA the certificate is rejected"
curl -sS -o /dev/null "http://127.0.0.1:$EMU_PORT/rest/container" 2>/dev/null
isnt_zero=$?
ok "plain HTTP to the TLS port fails" test "$isnt_zero" -ne 0
call POST /rest/container '{"name":"x","label":"soc","severity":"critical"}'
is "$ST $(j .id)" "200 1" "--label and --severity extend the vocabulary"
call POST /rest/container '{"name":"x","label":"events","severity":"low"}'
is "$ST" 200 "default severities still known"
call POST /rest/container "$(jq -cn --arg d "$(head -c 70000 /dev/zero | tr '\0' a)" '{name:"big",label:"soc",description:$d}')"
is "$ST" 413 "body over --max-body: 413"
call GET /rest/container/1
is "$ST" 200 "served normally after a 413"
emu_restart
call GET /rest/container
is "$ST" 504 "restart keeps port and arguments (the --fault fires again)"
emu_stop
is "$?" 0 "TLS emulator exits 0"

done_testing
