/*
 * OSKextVersion.c — bundle versions as ordered numbers.
 *
 * A CFBundleVersion is MAJOR[.MINOR[.REVISION]][STAGE LEVEL]: up to 4, 2
 * and 2 digits, then an optional stage letter (d, a, b, f or fc) and a
 * 1-3 digit level 0-255 (the final-candidate level must be >= 1). The
 * number packs the fields in decimal so that plain integer comparison is
 * Apple's ordering:
 *
 *   major * 10^8 + minor * 10^6 + revision * 10^4 + stage * 10^3 + level
 *
 * with stage 1 (d) < 3 (a) < 5 (b) < 7 (fc) < 9 (release, level 0), hence
 * 1.0d21 < 1.0b1 < 1.0fc1 < 1.0 and "1.0" == "1.0.0". As in XNU, a field
 * that is full may be followed directly by the next one's separator or a
 * stage letter, and anything after a whitespace character is ignored.
 */
#include <sys/systm.h>
#include <libkern/OSKextLibPrivate.h>

#define VERS_MAJOR_DIGITS 4
#define VERS_MINOR_DIGITS 2
#define VERS_REVISION_DIGITS 2
#define VERS_LEVEL_DIGITS 3
#define VERS_MAJOR_MAX 9999
#define VERS_LEVEL_MAX 255

#define VERS_MAJOR_MULT 100000000LL
#define VERS_MINOR_MULT 1000000LL
#define VERS_REVISION_MULT 10000LL
#define VERS_STAGE_MULT 1000LL

enum vers_stage {
	VERS_STAGE_INVALID = 0,
	VERS_STAGE_DEVELOPMENT = 1,
	VERS_STAGE_ALPHA = 3,
	VERS_STAGE_BETA = 5,
	VERS_STAGE_CANDIDATE = 7,
	VERS_STAGE_RELEASE = 9,
};

static bool
vers_is_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
vers_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
vers_is_stage_letter(char c)
{
	return c == 'd' || c == 'a' || c == 'b' || c == 'f';
}

/*
 * Scan up to `max` digits of one numeric field into *value. Returns the
 * character that ended the field: '\0' for the end of the string, '.' (the
 * dot is consumed), 's' for a stage letter (not consumed) or 'x' for
 * anything invalid. `first` requires at least one digit.
 */
static char
vers_scan_field(const char **pp, int max, bool allow_dot, bool first, int64_t *value)
{
	const char *p = *pp;
	int n = 0;
	char end;

	*value = 0;
	while (n < max && vers_is_digit(*p)) {
		*value = *value * 10 + (*p - '0');
		p++;
		n++;
	}
	if (first && n == 0) {
		end = 'x';
	} else if (vers_is_end(*p)) {
		end = '\0';
	} else if (vers_is_stage_letter(*p)) {
		end = 's';
	} else if (*p == '.' && (allow_dot || n == max)) {
		/* after a full revision XNU also skips one dot */
		p++;
		end = '.';
	} else {
		end = 'x'; /* another digit past the field's width, or a bad character */
	}
	*pp = p;
	return end;
}

/* Stage letter(s) at *pp; advances past them. A stage must be followed by a digit. */
static enum vers_stage
vers_scan_stage(const char **pp)
{
	const char *p = *pp;
	enum vers_stage stage = VERS_STAGE_INVALID;

	switch (p[0]) {
	case 'd':
		stage = VERS_STAGE_DEVELOPMENT;
		p++;
		break;
	case 'a':
		stage = VERS_STAGE_ALPHA;
		p++;
		break;
	case 'b':
		stage = VERS_STAGE_BETA;
		p++;
		break;
	case 'f':
		stage = VERS_STAGE_CANDIDATE;
		p += (p[1] == 'c') ? 2 : 1;
		break;
	default:
		return VERS_STAGE_INVALID;
	}
	if (!vers_is_digit(*p)) {
		return VERS_STAGE_INVALID;
	}
	*pp = p;
	return stage;
}

OSKextVersion
OSKextParseVersionString(const char *versionString)
{
	const char *p = versionString;
	int64_t major = 0, minor = 0, revision = 0, level = 0;
	enum vers_stage stage = VERS_STAGE_RELEASE;
	int n;
	char end;

	if (p == NULL) {
		return -1;
	}
	end = vers_scan_field(&p, VERS_MAJOR_DIGITS, true, true, &major);
	if (end == '.') {
		/* "1." ends the version too (an empty minor is 0) */
		end = vers_scan_field(&p, VERS_MINOR_DIGITS, true, false, &minor);
		if (end == '.') {
			end = vers_scan_field(&p, VERS_REVISION_DIGITS, false, false, &revision);
		}
	}
	if (end == 'x') {
		return -1;
	}
	if (end == '.' && !vers_is_end(*p)) {
		/* a dot after a full revision: only a stage (or the end) may follow */
		if (!vers_is_stage_letter(*p)) {
			return -1;
		}
		end = 's';
	}
	if (end == 's') {
		stage = vers_scan_stage(&p);
		if (stage == VERS_STAGE_INVALID) {
			return -1;
		}
		for (n = 0; n < VERS_LEVEL_DIGITS && vers_is_digit(*p); n++, p++) {
			level = level * 10 + (*p - '0');
		}
		if (!vers_is_end(*p) || level > VERS_LEVEL_MAX) {
			return -1;
		}
		if (stage == VERS_STAGE_CANDIDATE && level == 0) {
			return -1;
		}
	}
	return major * VERS_MAJOR_MULT + minor * VERS_MINOR_MULT + revision * VERS_REVISION_MULT +
	       (int64_t)stage * VERS_STAGE_MULT + level;
}

bool
OSKextVersionGetString(OSKextVersion aVersion, char *buffer, uint32_t bufferLength)
{
	int64_t major, minor, revision, stage, level;
	const char *letter;
	size_t len;

	if (buffer == NULL || bufferLength < kOSKextVersionMaxLength) {
		return false;
	}
	if (aVersion < 0) {
		strlcpy(buffer, "(invalid)", bufferLength);
		return true;
	}
	if (aVersion == 0) {
		strlcpy(buffer, "(missing)", bufferLength);
		return true;
	}
	major = aVersion / VERS_MAJOR_MULT;
	minor = (aVersion / VERS_MINOR_MULT) % 100;
	revision = (aVersion / VERS_REVISION_MULT) % 100;
	stage = (aVersion / VERS_STAGE_MULT) % 10;
	level = aVersion % VERS_STAGE_MULT;
	switch (stage) {
	case VERS_STAGE_DEVELOPMENT:
		letter = "d";
		break;
	case VERS_STAGE_ALPHA:
		letter = "a";
		break;
	case VERS_STAGE_BETA:
		letter = "b";
		break;
	case VERS_STAGE_CANDIDATE:
		letter = "f";
		break;
	case VERS_STAGE_RELEASE:
		letter = "";
		break;
	default:
		letter = NULL;
		break;
	}
	if (major > VERS_MAJOR_MAX || level > VERS_LEVEL_MAX || letter == NULL) {
		strlcpy(buffer, "(invalid)", bufferLength);
		return true;
	}
	/* The minor version is always shown, the revision only when non-zero. */
	len = (size_t)snprintf(buffer, bufferLength, "%u.%u", (unsigned)major, (unsigned)minor);
	if (revision != 0) {
		len += (size_t)snprintf(buffer + len, bufferLength - len, ".%u", (unsigned)revision);
	}
	if (stage != VERS_STAGE_RELEASE) {
		(void)snprintf(buffer + len, bufferLength - len, "%s%u", letter, (unsigned)level);
	}
	return true;
}
