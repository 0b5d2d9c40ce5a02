"""Runtime wiring shared by the command line and the routing service: typed settings read from the
environment (prefix ``CLAIMS_``) and the one builder of the production pipeline. The ``claims``
library stays free of environment reading; both front ends import this instead of each other."""
