"""Rules that predict TypeError (codes OO2xx): calls that do not fit the callee."""
