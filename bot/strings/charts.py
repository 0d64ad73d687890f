"""Words on and about results charts: the chart's own heading and its text alternative."""

CHART_HEADING_FALLBACK = "Results"
ALT_HEADING = "Bar chart of results: {heading}"
ALT_LAYOUT = "One bar per option, in poll order, showing {value_label}."
ALT_OPTION = "{n}. {name}: {amount}"
ALT_HIGHEST = "Highest: {name}, with {amount}."
ALT_JOINT_HIGHEST = "Joint highest, with {amount} each: {names}."
