// Package warm starts building the KQL parser while the rest of the
// program's packages initialise.
package warm

import "clickhunt/query/syntax"

func init() { go syntax.Prepare() }
