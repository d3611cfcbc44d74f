"""Seeds a JupyterHub database with N users in one transaction, through JupyterHub's own ORM.

Creating 10,000 users through JupyterHub's REST API takes 2-5 minutes on the build machine; the rows are the same
either way. The hub must have created the database (started once) and be stopped while this runs.
usage: seed_jupyterhub.py DB_URL N
"""
import sys

from jupyterhub import orm

db_url, n = sys.argv[1], int(sys.argv[2])
db = orm.new_session_factory(db_url)()
existing = {name for (name,) in db.query(orm.User.name)}
db.add_all(orm.User(name="user%05d" % i) for i in range(n) if "user%05d" % i not in existing)
db.commit()
print("users in the database: %d" % db.query(orm.User).count())
