# Los modelos de esta app llegan con su issue.
