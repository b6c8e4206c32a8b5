/* consensus.c: the vantages' consensus per (round, domain, test), the disagreement flag and
 * the lying-vantage rule, as docs/consensus.md states them. */
#include <stdio.h>
#include <string.h>

#include "consensus.h"
#include "result.h"

bool
consensus_ipv6_test(const char *test_id)
{
	static const char reach[] = "_reach";
	size_t len = test_id != NULL ? strlen(test_id) : 0;

	if (len == 0)
		return false;
	if (strcmp(test_id, "web_ipv6_ws_similar") == 0)
		return true;
	return strstr(test_id, "_ipv6_") != NULL && len >= sizeof(reach) - 1 &&
	    strcmp(test_id + len - (sizeof(reach) - 1), reach) == 0;
}

bool
consensus_has_ipv6(int self_ipv6, bool hello_ipv6)
{
	if (self_ipv6 == PEIL__STATUS__PASSED)
		return true;
	if (self_ipv6 == PEIL__STATUS__FAILED)
		return false;
	return hello_ipv6;
}

/* Less favourable first: the order ties are broken in. */
static int
status_rank(int status)
{
	switch (status) {
	case PEIL__STATUS__FAILED:
		return 0;
	case PEIL__STATUS__WARNING:
		return 1;
	case PEIL__STATUS__INFO:
		return 2;
	case PEIL__STATUS__PASSED:
		return 3;
	default:
		return 4;
	}
}

void
consensus_decide(const char *test_id, struct consensus_vote *v, size_t n,
    struct consensus *out)
{
	/* Counts per status (Peil__Status 0..6; anything else counts as error). */
	size_t count[PEIL__STATUS__ERROR + 1] = { 0 }, voters, best = 0;
	bool ipv6 = consensus_ipv6_test(test_id);
	int first = -1, winner = -1;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		int st = v[i].status;

		v[i].eligible = !ipv6 || consensus_has_ipv6(v[i].self_ipv6, v[i].hello_ipv6);
		if (!v[i].eligible)
			continue;
		if (st < PEIL__STATUS__PASSED || st > PEIL__STATUS__ERROR)
			st = PEIL__STATUS__ERROR;
		count[st]++;
		out->eligible++;
		if (first < 0)
			first = st;
		else if (st != first)
			out->disagree = true;
	}
	if (out->eligible == 0) {
		out->status = PEIL__STATUS__NOT_TESTED;
		return;
	}
	voters = out->eligible - count[PEIL__STATUS__ERROR];
	if (voters == 0) {
		out->status = PEIL__STATUS__ERROR;
		return;
	}
	if (voters == count[PEIL__STATUS__NOT_TESTED]) {
		out->status = PEIL__STATUS__NOT_TESTED;
		return;
	}
	for (int st = PEIL__STATUS__PASSED; st <= PEIL__STATUS__INFO; st++) {
		if (count[st] == 0)
			continue;
		if (winner < 0 || count[st] > best ||
		    (count[st] == best && status_rank(st) < status_rank(winner))) {
			winner = st;
			best = count[st];
		}
	}
	out->status = winner;
}

size_t
consensus_who(const struct consensus_vote *v, size_t n, char *buf, size_t len)
{
	size_t need = 0;
	int w;

	if (len > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!v[i].eligible)
			continue;
		w = snprintf(need < len ? buf + need : NULL, need < len ? len - need : 0, "%s%s=%s",
		    need > 0 ? " " : "", v[i].vantage != NULL ? v[i].vantage : "",
		    status_name(v[i].status));
		if (w > 0)
			need += (size_t)w;
	}
	return need;
}

bool
consensus_vantage_lies(int self_ipv6, uint64_t tests, uint64_t errors)
{
	return self_ipv6 == PEIL__STATUS__PASSED && tests > 0 && errors == tests;
}

size_t
consensus_lie_text(const char *vantage, uint64_t tests, char *buf, size_t len)
{
	int w = snprintf(buf, len, "vantage %s: vantage_ipv6 passed but all %llu IPv6 tests error",
	    vantage != NULL ? vantage : "", (unsigned long long)tests);

	return w > 0 ? (size_t)w : 0;
}
