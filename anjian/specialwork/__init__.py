"""特殊作业票 (GB 30871-2022): enterprises issue, approve, start and close permits for the
eight kinds of special work; officials see the permits open now in their scope."""
