# The seed's own client code, unchanged: Herald's standalone defaults must serve it as they are.
from websocket import create_connection

ws = create_connection("ws://localhost:9001/")
print(ws.recv())
ws.send("hello from the seed")
print(ws.recv())
ws.close()
